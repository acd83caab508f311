// Role-aware menus: each role sees the pages it may use (the server checks again on every call).

export interface MenuItem { path: string; zh: string; en: string; roles: string[]; group: 'overview' | 'work' | 'reference' }

const bureau = ['bureau_admin', 'bureau_operator']
const readers = [...bureau, 'civil_affairs', 'charity', 'auditor']

export const MENU: MenuItem[] = [
  { path: '/dashboard', zh: '综合看板', en: 'Dashboard', roles: readers, group: 'overview' },
  { path: '/map', zh: '防贫地图', en: 'Prevention map', roles: readers, group: 'overview' },
  { path: '/rankings', zh: '排名与趋势', en: 'Rankings & trends', roles: readers, group: 'overview' },
  { path: '/persons', zh: '人员360', en: 'Person 360', roles: [...bureau, 'civil_affairs', 'charity', 'auditor'], group: 'overview' },
  { path: '/inbox', zh: '部门待办', en: 'Department inbox', roles: ['department', 'civil_affairs', 'charity'], group: 'work' },
  { path: '/risk-pool', zh: '风险人员库', en: 'Risk pool', roles: readers, group: 'work' },
  { path: '/reduction', zh: '梯次减负', en: 'Tiered reduction', roles: readers, group: 'work' },
  { path: '/posthoc', zh: '事后救助申请', en: 'Post-hoc applications', roles: [...bureau, 'civil_affairs', 'auditor'], group: 'work' },
  { path: '/year-end', zh: '年度结算与公示', en: 'Year-end runs', roles: [...bureau, 'charity', 'auditor'], group: 'work' },
  { path: '/name-lists', zh: '名单导入', en: 'Name-list import', roles: [...bureau, 'civil_affairs'], group: 'work' },
  { path: '/settlements', zh: '结算与导入', en: 'Settlements', roles: [...bureau, 'charity', 'auditor'], group: 'work' },
  { path: '/funds', zh: '基金与公开', en: 'Funds & disclosure', roles: [...bureau, 'charity', 'auditor'], group: 'work' },
  { path: '/statistics', zh: '统计数据录入', en: 'Regional statistics', roles: ['bureau_admin'], group: 'work' },
  { path: '/audit', zh: '审计查询', en: 'Audit search', roles: ['bureau_admin', 'auditor'], group: 'work' },
  { path: '/policies', zh: '政策浏览', en: 'Policy browser', roles: readers, group: 'reference' },
]

export function menuFor(role: string | null | undefined): MenuItem[] {
  if (!role) return []
  return MENU.filter((m) => m.roles.includes(role))
}

/** Where a role lands after login: a department goes straight to its inbox. */
export function homeFor(role: string | null | undefined): string {
  return menuFor(role)[0]?.path ?? '/login'
}

export function allowed(role: string | null | undefined, path: string): boolean {
  if (path === '/login') return true
  return menuFor(role).some((m) => path === m.path || path.startsWith(m.path + '/'))
}
