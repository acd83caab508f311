import { createRouter, createWebHistory } from 'vue-router'
import { session, loadMe } from './session'
import { allowed, homeFor } from './menu'

// One folder per page under src/pages/; each is loaded when first opened.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => homeFor(session.me?.role) },
    { path: '/login', component: () => import('./pages/login/LoginPage.vue') },
    { path: '/dashboard', component: () => import('./pages/dashboard/DashboardPage.vue') },
    { path: '/map', component: () => import('./pages/map/MapPage.vue') },
    { path: '/rankings', component: () => import('./pages/rankings/RankingsPage.vue') },
    { path: '/persons', component: () => import('./pages/person/PersonSearchPage.vue') },
    { path: '/persons/:id', component: () => import('./pages/person/PersonPage.vue'), props: true },
    { path: '/inbox', component: () => import('./pages/inbox/InboxPage.vue') },
    { path: '/risk-pool', component: () => import('./pages/riskpool/RiskPoolPage.vue') },
    { path: '/reduction', component: () => import('./pages/reduction/ReductionPage.vue') },
    { path: '/posthoc', component: () => import('./pages/posthoc/PostHocPage.vue') },
    { path: '/year-end', component: () => import('./pages/yearend/YearEndPage.vue') },
    { path: '/name-lists', component: () => import('./pages/namelists/NameListPage.vue') },
    { path: '/settlements', component: () => import('./pages/settlements/SettlementPage.vue') },
    { path: '/funds', component: () => import('./pages/funds/FundsPage.vue') },
    { path: '/statistics', component: () => import('./pages/statistics/StatisticsPage.vue') },
    { path: '/audit', component: () => import('./pages/audit/AuditPage.vue') },
    { path: '/policies', component: () => import('./pages/policies/PolicyPage.vue') },
    { path: '/policies/:doc', component: () => import('./pages/policies/PolicyPage.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (!session.loaded) await loadMe()
  if (to.path === '/login') return true
  if (!session.me) return { path: '/login', query: { next: to.fullPath } }
  if (!allowed(session.me.role, to.path)) return homeFor(session.me.role)
  return true
})
