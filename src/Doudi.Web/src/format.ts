// Display conventions of the console: yuan with thousands separators and two decimals, dates YYYY-MM-DD, rates in %.

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const countFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 })

/** 12345.6 → "12,345.60" (null/undefined → "—"). */
export function yuan(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—'
  return yuanFormat.format(value)
}

/** 1234 → "1,234". */
export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  return countFormat.format(value)
}

/** 0.8607 → "86.07%". */
export function percent(rate: number | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined) return '—'
  return (rate * 100).toFixed(digits) + '%'
}

/** Any ISO date or date-time → "YYYY-MM-DD" in China time (+08:00), the bureau's calendar. */
export function date(value: string | null | undefined): string {
  if (!value) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const t = Date.parse(value)
  if (Number.isNaN(t)) return value
  const local = new Date(t + 8 * 3600 * 1000)
  return local.toISOString().slice(0, 10)
}

/** Whether a target is met: at_least → actual ≥ value, at_most → actual ≤ value. */
export function targetMet(comparison: string, value: number, actual: number | null | undefined): boolean | null {
  if (actual === null || actual === undefined) return null
  return comparison === 'at_least' ? actual >= value : actual <= value
}
