import { tt } from './i18n'

// The regions of the loaded policy catalogue (the server's /api/policy-browser/regions is the authority; these are display names).
export const REGIONS = ['fuyang', 'jiande', 'pengshui', 'wenzhou']
const names: Record<string, [string, string]> = {
  fuyang: ['富阳区', 'Fuyang'], jiande: ['建德市', 'Jiande'], pengshui: ['彭水县', 'Pengshui'], wenzhou: ['温州市', 'Wenzhou'],
}
export function regionName(code: string | null | undefined): string {
  if (!code) return tt('全部', 'All')
  const n = names[code]
  return n ? tt(n[0], n[1]) : code
}

const categories: Record<string, [string, string]> = {
  destitute: ['特困人员', 'Destitute'], subsistence: ['低保对象', 'Subsistence'], marginal: ['低保边缘', 'Marginal'],
  severe_disability: ['重度残疾', 'Severe disability'], relapsed_poverty: ['返贫致贫', 'Relapsed poverty'], at_risk_rural: ['易返贫致贫', 'At-risk rural'],
  medical_poverty: ['因病致贫', 'Medical poverty'], entitled_veteran: ['优抚对象', 'Entitled veteran'], other_special: ['其他特殊', 'Other special'],
  child_in_difficulty: ['困境儿童', 'Child in difficulty'],
}
export function categoryName(code: string | null | undefined): string {
  if (!code) return tt('（无）', '(none)')
  const n = categories[code]
  return n ? tt(n[0], n[1]) : code
}
export const DEMO_YEAR = 2023

export function riskStateName(s: string): string {
  return ({ new: tt('新纳入', 'new'), under_follow_up: tt('跟进中', 'under follow-up'), resolved: tt('已化解', 'resolved') } as Record<string, string>)[s] ?? s
}
