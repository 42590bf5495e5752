import pc from 'picocolors'
import type { RunDetail, StepRun, StepStatus } from '../../pipelines/index.js'
import { formatTime } from '../output.js'

const MARK: Record<StepStatus, string> = {
  pending: pc.dim('·'),
  queued: pc.dim('○'),
  running: pc.cyan('▶'),
  succeeded: pc.green('✓'),
  cached: pc.green('↺'),
  failed: pc.red('✗'),
  skipped: pc.dim('-'),
  cancelled: pc.yellow('■'),
}

function seconds(step: StepRun, nowMs: number): string {
  if (step.startedAtMs === null || step.status === 'cached') return ''
  return `${(((step.endedAtMs ?? nowMs) - step.startedAtMs) / 1000).toFixed(1)}s`
}

/** One line per step: mark, name, state, attempt, time, and where it ran. */
export function stepLines(run: RunDetail, nowMs = Date.now()): string[] {
  const width = Math.max(...run.steps.map((s) => s.step.length), 4)
  return run.steps.map((s) => {
    const attempt = s.attempt > 1 ? ` (attempt ${s.attempt})` : ''
    const from = s.cachedFrom ? ` from ${s.cachedFrom.slice(0, 8)}` : ''
    const where = s.status === 'running' && s.worker ? pc.dim(` on ${s.worker}`) : ''
    return `  ${MARK[s.status]} ${s.step.padEnd(width)}  ${s.status.padEnd(9)} ${seconds(s, nowMs).padStart(6)}${attempt}${from}${where}`
  })
}

/**
 * Shows a run's steps while it is in flight and resolves with the run once it is over. On a
 * terminal the table is redrawn in place; elsewhere (CI logs) each change is one plain line.
 */
export async function watchRun(
  read: () => Promise<RunDetail>,
  { isTty = process.stdout.isTTY === true, intervalMs = 200 } = {},
): Promise<RunDetail> {
  const seen = new Map<string, string>()
  let drawn = 0
  for (;;) {
    const run = await read()
    if (isTty) {
      const lines = stepLines(run)
      // Move up over the previous drawing and clear each line as it is rewritten.
      process.stdout.write(
        `${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`,
      )
      drawn = lines.length
    } else {
      for (const s of run.steps) {
        const state = `${s.status}:${s.attempt}`
        if (seen.get(s.step) === state) continue
        seen.set(s.step, state)
        if (s.status === 'pending') continue
        const attempt = s.attempt > 1 ? ` (attempt ${s.attempt})` : ''
        console.log(`${formatTime(Date.now()).slice(11)} ${s.step} ${s.status}${attempt}`)
      }
    }
    if (run.status !== 'running') return run
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** The end of a run: its status, and for each failed step its error and log tail. */
export function printOutcome(run: RunDetail): void {
  const counts = new Map<string, number>()
  for (const s of run.steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1)
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ')
  const colour =
    run.status === 'succeeded' ? pc.green : run.status === 'failed' ? pc.red : pc.yellow
  console.log(`${colour(`Run ${run.runId} ${run.status}`)} (${summary})`)
  for (const failure of run.failures) {
    console.log(pc.red(`\nStep '${failure.step}' ${failure.error}`))
    if (failure.logTail)
      console.log(
        failure.logTail
          .split('\n')
          .map((l) => `  | ${l}`)
          .join('\n'),
      )
  }
}
