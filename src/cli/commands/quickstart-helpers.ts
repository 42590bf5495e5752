import type { Lathe } from '../../main.js'
import type { RunDetail } from '../../pipelines/index.js'
import type { Period } from './quickstart-data.js'

/** A period as two windows, so a firing alert is seen to stay firing (deduplicated). */
export function halve(period: Period): Period[] {
  const mid = Math.ceil(period.rows.length / 2)
  return [
    { ...period, description: `${period.description} H1`, rows: period.rows.slice(0, mid) },
    { ...period, description: `${period.description} H2`, rows: period.rows.slice(mid) },
  ]
}

/** Polls a local pipeline run until it has ended. */
export async function waitForRun(lathe: Lathe, runId: string): Promise<RunDetail> {
  for (;;) {
    const detail = await lathe.pipelines.status(runId)
    if (!['queued', 'running'].includes(detail.status)) return detail
    await new Promise((r) => setTimeout(r, 100))
  }
}

export function fmt(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(3)
}
