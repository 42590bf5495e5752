import { reproDifferences } from './repro-record.js'
import type { RunDetail } from './run-reader.js'

/** How a rerun compares with the run it reproduced. */
export interface RerunReport {
  readonly runId: string
  readonly originalRunId: string
  readonly status: string
  /** True when every step that finished in both runs produced the same outputs. */
  readonly isMatch: boolean
  /** Environment fields that differ (commit, lock file, Node…): likely causes of a mismatch. */
  readonly environment: { field: string; before: string; after: string }[]
  /** Per step: its outputs' digest (volatile keys left out) before and after. */
  readonly steps: {
    step: string
    status: string
    isMatch: boolean | null
    before: string | null
    after: string | null
  }[]
}

/** Compares a rerun with its original, step by step. */
export function compareRuns(original: RunDetail, rerun: RunDetail): RerunReport {
  const before = new Map(original.steps.map((s) => [s.step, s.reproDigest]))
  const steps = rerun.steps.map((s) => {
    const was = before.get(s.step) ?? null
    const comparable = was !== null && s.reproDigest !== null
    return {
      step: s.step,
      status: s.status,
      isMatch: comparable ? was === s.reproDigest : null,
      before: was,
      after: s.reproDigest,
    }
  })
  return {
    runId: rerun.runId,
    originalRunId: original.runId,
    status: rerun.status,
    isMatch: rerun.status === 'succeeded' && steps.every((s) => s.isMatch !== false),
    environment: reproDifferences(original.repro, rerun.repro),
    steps,
  }
}
