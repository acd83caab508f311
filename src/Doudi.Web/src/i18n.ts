import { ref, computed } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import en from 'element-plus/es/locale/lang/en'

// Simplified Chinese by default; English on request (kept across visits). Texts are written in pairs where used: tt('中文', 'English').
export type Locale = 'zh' | 'en'
const saved = (typeof localStorage !== 'undefined' && localStorage.getItem('doudi.locale')) as Locale | null
export const locale = ref<Locale>(saved === 'en' ? 'en' : 'zh')
export const elementLocale = computed(() => (locale.value === 'en' ? en : zhCn))

export function tt(zh: string, english: string): string {
  return locale.value === 'en' ? english : zh
}

export function setLocale(l: Locale) {
  locale.value = l
  localStorage.setItem('doudi.locale', l)
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN'
}
