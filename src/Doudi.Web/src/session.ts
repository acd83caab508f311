import { reactive } from 'vue'
import { http } from './api/client'

export interface Me { username: string; role: string; department: string | null; roleName: string; seesIdNumbers: boolean }

export const session = reactive<{ me: Me | null; loaded: boolean }>({ me: null, loaded: false })

export async function loadMe(): Promise<Me | null> {
  try { session.me = await http<Me>('GET', '/api/auth/me') } catch { session.me = null }
  session.loaded = true
  return session.me
}

export async function login(username: string, password: string) {
  await http('POST', '/api/auth/login', { username, password })
  return loadMe()
}

export async function logout() {
  try { await http('POST', '/api/auth/logout') } finally { session.me = null }
}
