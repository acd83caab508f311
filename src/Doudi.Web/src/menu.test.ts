import { describe, expect, it } from 'vitest'
import { menuFor, homeFor, allowed } from './menu'

describe('role-aware menus', () => {
  it('gives a department only its inbox', () => {
    expect(menuFor('department').map((m) => m.path)).toEqual(['/inbox'])
    expect(homeFor('department')).toBe('/inbox')
    expect(allowed('department', '/dashboard')).toBe(false)
  })
  it('lets the bureau see the dashboard first and every work page', () => {
    expect(homeFor('bureau_operator')).toBe('/dashboard')
    expect(allowed('bureau_operator', '/persons/P1')).toBe(true)
    expect(allowed('bureau_operator', '/year-end')).toBe(true)
  })
  it('keeps the audit search to administrators and auditors', () => {
    expect(allowed('auditor', '/audit')).toBe(true)
    expect(allowed('bureau_operator', '/audit')).toBe(false)
    expect(allowed('charity', '/audit')).toBe(false)
  })
})
