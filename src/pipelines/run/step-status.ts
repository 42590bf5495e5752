/** Where a step run is in its life. */
export type StepStatus =
  'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cached' | 'skipped' | 'cancelled'

/** Where a pipeline run is in its life. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'

/** Statuses whose outputs downstream steps can use. */
export const USABLE: readonly StepStatus[] = ['succeeded', 'cached']

/** Statuses a step still leaves: the run is not over while a step has one. */
export const OPEN: readonly StepStatus[] = ['pending', 'queued', 'running']

/** True for a status that will not change again. */
export function isFinal(status: string): boolean {
  return !OPEN.includes(status as StepStatus)
}
