import { mkdirSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Lathe } from '../../main.js'
import {
  readWeather,
  shuffleLabels,
  splitPeriods,
  writeCsv,
  type Period,
} from './quickstart-data.js'
import { replayPeriod } from './quickstart-replay.js'
import { watchCanary, type CanaryOutcome } from './quickstart-canary.js'
import { fmt, halve, waitForRun } from './quickstart-helpers.js'
import {
  createMonitors,
  crownChampion,
  deploy,
  storeContract,
  trainCandidates,
  type Monitors,
  type Outcome,
  type Setup,
} from './quickstart-setup.js'

/** How to run the quickstart. */
export interface QuickstartOptions {
  /** Where the period files go (inside Lathe's home). */
  readonly workDir: string
  /** Appended to every name (model, deployment, datasets) so a second round sits beside the first. */
  readonly suffix: string
  /** Retrain on shuffled labels: the retrained model must fail its gates. */
  readonly sabotageRetrain?: boolean | undefined
  readonly webhooks?: readonly string[] | undefined
}

/** Reports each stage as it starts and ends (the CLI draws a step list). */
export interface Progress {
  start(stage: string): void
  done(stage: string, outcome: string): void
}

type Windows = Record<string, { startMs: number; endMs: number }>

/** The names of what the quickstart made, to look them up in the store afterwards. */
export interface QuickstartResult {
  readonly model: string
  readonly deployment: string
  readonly monitors: Monitors['ids']
  readonly driftRuleId: string
  /** Each replayed period's monitor window, by key (`control`, `drifted-1`, …). */
  readonly windows: Readonly<Windows>
  readonly retrainRunId: string | undefined
  readonly retrainStatus: string | undefined
  readonly canary: CanaryOutcome | undefined
  readonly championBefore: number
  readonly championAfter: number
  readonly stages: { stage: string; outcome: string }[]
}

/**
 * Replays a period as live traffic with its ground truth, then runs every monitor over exactly
 * that window (one window per period, so each verdict is about one period).
 */
async function replayAndMonitor(
  q: Setup,
  m: Monitors,
  windows: Windows,
  period: Period,
  key: string,
) {
  const idPrefix = `${q.deployment}-${key}-${Date.now()}`
  const replay = await replayPeriod(q.app, { deployment: q.deployment, period, idPrefix })
  await q.lathe.serving.inferenceLog.flush()
  const window = { startMs: replay.startMs, endMs: replay.endMs }
  windows[key] = window
  let share = 0
  for (const id of Object.values(m.ids)) {
    const points = await q.lathe.monitoring.monitors.run(id, window)
    share = points.find((p) => p.metric === 'drift.share')?.value ?? share
  }
  const accuracy = fmt(replay.correct / Math.max(1, replay.requests))
  return `${period.description}: ${replay.requests} requests, accuracy ${accuracy}, drifted features ${fmt(share)}`
}

async function alertState(q: Setup, m: Monitors): Promise<string> {
  const states = await q.lathe.monitoring.alerts.states()
  return states.find((a) => a.ruleId === m.rule.id)?.state ?? 'ok'
}

/** Both halves of the drifted period, then the alert's action: the retraining run it started. */
async function replayDrifted(
  q: Setup,
  m: Monitors,
  windows: Windows,
  sabotage: boolean,
): Outcome<string | undefined> {
  const outcomes: string[] = []
  for (const [i, half] of halve(q.periods.drifted).entries())
    outcomes.push(await replayAndMonitor(q, m, windows, half, `drifted-${i + 1}`))
  // The labelled recent traffic the retraining pipeline learns from.
  const rows = q.periods.drifted.rows
  writeCsv(m.recent, sabotage ? shuffleLabels(rows) : rows)
  await q.lathe.events.drain()
  const actions = (await q.lathe.monitoring.actions?.list(m.rule.id)) ?? []
  const runId = actions.find((a) => a.kind === 'retrain')?.target
  const retraining = runId ? 'started' : 'not started'
  return [
    runId,
    `${outcomes.join('; ')}; alert ${await alertState(q, m)}, retraining ${retraining}`,
  ]
}

async function retrain(q: Setup, runId: string | undefined): Outcome<string | undefined> {
  if (!runId) return [undefined, 'no retraining run']
  const detail = await waitForRun(q.lathe, runId)
  await q.lathe.events.drain()
  const gates = detail.steps.find((st) => st.step === 'gates')?.status ?? 'not reached'
  const outcome =
    detail.status === 'succeeded'
      ? `run ${runId.slice(0, 8)} succeeded: gates passed, @champion moved`
      : `run ${runId.slice(0, 8)} ${detail.status}: gates ${gates}, champion stays`
  return [detail.status, outcome]
}

/**
 * The whole loop on Seattle and New York weather, in-process against `app` (serving and
 * feedback go through the HTTP routes): version and validate, train two candidates, gate,
 * register, approve, deploy, monitor, replay traffic with ground truth, detect drift, retrain
 * through the alert's action, release the new version as a canary, promote it.
 */
export async function runQuickstart(
  lathe: Lathe,
  app: FastifyInstance,
  options: QuickstartOptions,
  progress: Progress,
): Promise<QuickstartResult> {
  const stages: { stage: string; outcome: string }[] = []
  const stage = async <T>(name: string, fn: () => Outcome<T>): Promise<T> => {
    progress.start(name)
    const [value, outcome] = await fn()
    progress.done(name, outcome)
    stages.push({ stage: name, outcome })
    return value
  }
  mkdirSync(options.workDir, { recursive: true })
  await app.ready()
  // Windows are closed by hand, one per replayed period; the timer would cut its own.
  await lathe.monitoring.scheduler.stop()
  const name = `weather${options.suffix}`
  const q: Setup = {
    lathe,
    app,
    workDir: options.workDir,
    suffix: options.suffix,
    model: name,
    deployment: name,
    periods: splitPeriods(readWeather()),
    webhooks: options.webhooks,
    contract: await storeContract(lathe),
  }
  const windows: Windows = {}
  const candidates = await stage('version, validate, train 2 candidates', () => trainCandidates(q))
  const champion = await stage('gates, register, approve, champion', () =>
    crownChampion(q, candidates[0]!),
  )
  await stage('deploy', () => deploy(q))
  const m = await stage('monitors and alert', () => createMonitors(q))
  await stage('replay control period', async () => [
    undefined,
    await replayAndMonitor(q, m, windows, q.periods.control, 'control'),
  ])
  const sabotage = options.sabotageRetrain ?? false
  const runId = await stage('replay drifted period', () => replayDrifted(q, m, windows, sabotage))
  const retrainStatus = await stage('retrain on recent data', () => retrain(q, runId))
  const canary = await stage('canary release', async () => {
    const outcome = await watchCanary(lathe, app, q.deployment, q.periods.canary)
    return [outcome, outcome?.detail ?? 'no release (the champion did not move)']
  })
  await stage('replay after the release', async () => {
    const line = await replayAndMonitor(q, m, windows, q.periods.after, 'after')
    return [undefined, `${line}; alert ${await alertState(q, m)}`]
  })
  await lathe.events.drain()
  return {
    model: q.model,
    deployment: q.deployment,
    monitors: m.ids,
    driftRuleId: m.rule.id,
    windows,
    retrainRunId: runId,
    retrainStatus,
    canary,
    championBefore: champion,
    championAfter: (await lathe.serving.deployments.get(q.deployment)).version,
    stages,
  }
}
