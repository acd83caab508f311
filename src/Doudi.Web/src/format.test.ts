import { describe, expect, it } from 'vitest'
import { yuan, count, percent, date, targetMet } from './format'

describe('format', () => {
  it('shows yuan with thousands separators and two decimals', () => {
    expect(yuan(16029937.82)).toBe('16,029,937.82')
    expect(yuan(0)).toBe('0.00')
    expect(yuan(null)).toBe('—')
  })
  it('shows counts and rates', () => {
    expect(count(5205)).toBe('5,205')
    expect(percent(0.8607)).toBe('86.07%')
    expect(percent(0.85, 0)).toBe('85%')
  })
  it('shows dates as YYYY-MM-DD in China time', () => {
    expect(date('2023-05-20')).toBe('2023-05-20')
    // 2026-11-29T18:45Z is 2026-11-30 02:45 in China (+08:00).
    expect(date('2026-11-29T18:45:04Z')).toBe('2026-11-30')
  })
  it('compares a figure with a target of the plans', () => {
    expect(targetMet('at_least', 0.85, 0.8607)).toBe(true)
    expect(targetMet('at_most', 0.15, 0.1393)).toBe(true)
    expect(targetMet('at_most', 0.10, 0.1002)).toBe(false)
    expect(targetMet('at_least', 0.9, null)).toBe(null)
  })
})
