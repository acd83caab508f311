// A bill's tiers as a waterfall: the total cost, then each payer's part taken away in the order they pay, ending at the
// personal burden. Each step is drawn as an invisible base plus a visible bar.

export interface BillTiers { total: number; basic: number; critical: number; supplementary: number; assistance: number; tilted: number; burden: number }
export interface WaterfallStep { label: string; base: number; value: number; color: string }

const round = (x: number) => Math.round(x * 100) / 100

export function waterfallSteps(b: BillTiers, tt: (zh: string, en: string) => string): WaterfallStep[] {
  const steps: WaterfallStep[] = [{ label: tt('医疗总费用', 'Total cost'), base: 0, value: round(b.total), color: '#5470c6' }]
  let level = b.total
  const parts: [string, string, number, string][] = [
    ['基本医保', 'Basic insurance', b.basic, '#91cc75'],
    ['大病保险', 'Critical illness', b.critical, '#73c0de'],
    ['补充保险', 'Supplementary', b.supplementary, '#3ba272'],
    ['医疗救助', 'Assistance', b.assistance, '#fac858'],
    ['倾斜救助', 'Tilted', b.tilted, '#fc8452'],
  ]
  for (const [zh, en, amount, color] of parts) {
    if (!amount) continue
    level = round(level - amount)
    steps.push({ label: tt(zh, en), base: Math.max(0, level), value: round(amount), color })
  }
  steps.push({ label: tt('个人负担', 'Personal burden'), base: 0, value: round(b.burden), color: '#ee6666' })
  return steps
}
