import { describe, expect, it } from 'vitest'
import { waterfallSteps } from './waterfall'

const en = (_zh: string, e: string) => e

describe('waterfallSteps', () => {
  it('takes each payer away from the total in order and ends at the personal burden', () => {
    // The fuyang demo bill FY2023-000315: total 333.57, basic 157.23, assistance 70% × 157.23 = 110.06,
    // burden 333.57 − 157.23 − 110.06 = 66.28.
    const steps = waterfallSteps({ total: 333.57, basic: 157.23, critical: 0, supplementary: 0, assistance: 110.06, tilted: 0, burden: 66.28 }, en)
    expect(steps.map((s) => s.label)).toEqual(['Total cost', 'Basic insurance', 'Assistance', 'Personal burden'])
    // After basic: 333.57 − 157.23 = 176.34 is the base of the basic bar; after assistance 176.34 − 110.06 = 66.28.
    expect(steps[1]).toMatchObject({ base: 176.34, value: 157.23 })
    expect(steps[2]).toMatchObject({ base: 66.28, value: 110.06 })
    expect(steps[3]).toMatchObject({ base: 0, value: 66.28 })
  })
})
