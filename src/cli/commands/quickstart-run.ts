import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { loadContractFile } from '../../data/index.js'
import type { Lathe } from '../../main.js'
import type { MonitorKind } from '../../monitoring/index.js'
import { runAs } from '../../shared/actor.js'
import { AlreadyExistsError } from '../../shared/errors.js'
import { FEATURES, readWeather, shuffleLabels, splitPeriods, writeCsv } from './quickstart-data.js'
import type { Period } from './quickstart-data.js'
import { replayPeriod, type Replay } from './quickstart-replay.js'
import { watchCanary, type CanaryOutcome } from './quickstart-canary.js'
import { fmt, halve, waitForRun } from './quickstart-helpers.js'

/** Where the quickstart's pipeline definitions and contract live. */
const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url))

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

/** The names of what the quickstart made, to look them up in the store afterwards. */
export interface QuickstartResult {
  readonly model: string
  readonly deployment: string
  readonly monitors: { drift: string; performance: string; operational: string; quality: string }
  readonly driftRuleId: string
  readonly windows: Readonly<Record<string, { startMs: number; endMs: number }>>
  readonly retrainRunId: string | undefined
  readonly retrainStatus: string | undefined
  readonly canary: CanaryOutcome | undefined
  readonly championBefore: number
  readonly championAfter: number
  readonly stages: { stage: string; outcome: string }[]
}

const ACCURACY_GATE = 0.7

/** One stage: reported, timed by the caller's display, its outcome kept for the summary. */
async function stage<T>(
  progress: Progress,
  stages: { stage: string; outcome: string }[],
  name: string,
  fn: () => Promise<[T, string]>,
): Promise<T> {
  progress.start(name)
  const [value, outcome] = await fn()
  progress.done(name, outcome)
  stages.push({ stage: name, outcome })
  return value
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
  const s = options.suffix
  const model = `weather${s}`
  const deployment = `weather${s}`
  mkdirSync(options.workDir, { recursive: true })
  await app.ready()
  // Windows are closed by hand below, one per replayed period; the timer would cut its own.
  await lathe.monitoring.scheduler.stop()
  const periods = splitPeriods(readWeather())
  // Stored and versioned, so the pipelines validate against it and a quality monitor checks it.
  const stored = await lathe.data.contracts.register(
    await loadContractFile(join(EXAMPLE_DIR, 'weather.contract.yaml')),
  )
  const contract = `${stored.contract.name}:${stored.contract.version}`
  const trainFile = writeCsv(join(options.workDir, 'train.csv'), periods.train.rows)

  const candidates = await stage(
    progress,
    stages,
    'version, validate, train 2 candidates',
    async () => {
      const run = await lathe.pipelines.run(join(EXAMPLE_DIR, 'train.yaml'), {
        params: { data: trainFile, contract, dataset: `weather${s}` },
      })
      const detail = await run.done
      if (detail.status !== 'succeeded')
        throw new Error(
          `the training pipeline ${detail.status}: ${JSON.stringify(detail.failures)}`,
        )
      const trained = detail.steps
        .filter((st) => st.step.startsWith('train-'))
        .map(
          (st) =>
            st.outputs as {
              trainer: string
              metrics: Record<string, number>
              modelUri: string
              runId: string
            },
        )
        .sort((a, b) => (b.metrics.validation_accuracy ?? 0) - (a.metrics.validation_accuracy ?? 0))
      const text = trained
        .map((t) => `${t.trainer} ${fmt(t.metrics.validation_accuracy)}`)
        .join(', ')
      return [
        trained,
        `${periods.train.description}: ${periods.train.rows.length} rows valid; accuracy ${text}`,
      ]
    },
  )
  const winner = candidates[0]!

  const champion = await stage(progress, stages, 'gates, register, approve, champion', async () => {
    await lathe.registry.models.create({ name: model }).catch((err: unknown) => {
      if (!(err instanceof AlreadyExistsError)) throw err
    })
    await lathe.registry.gates.setPolicy(model, {
      gates: [
        { kind: 'metric', metric: 'validation_accuracy', op: '>=', threshold: ACCURACY_GATE },
      ],
    })
    const version = await lathe.registry.versions.create({
      name: model,
      source: winner.modelUri,
      runId: winner.runId,
      description: `${winner.trainer}, the better of two candidates on ${periods.train.description}`,
    })
    const report = await lathe.registry.gates.evaluate(model, version.version)
    if (!report.passed) throw new Error(`${model} v${version.version} failed its gates`)
    const request = await runAs('quickstart', () =>
      lathe.registry.approvals.request({
        name: model,
        version: version.version,
        alias: 'champion',
        reason: `best validation accuracy of the candidates (${winner.trainer})`,
      }),
    )
    await runAs('reviewer', () => lathe.registry.approvals.approve(request.id, 'looks good'))
    return [
      Number(version.version),
      `${winner.trainer} → ${model} v${version.version}, gates passed, approved by reviewer, @champion`,
    ]
  })

  await stage(progress, stages, 'deploy', async () => {
    await lathe.serving.deployments.create({
      name: deployment,
      model,
      alias: 'champion',
      strategy: 'canary',
      config: {
        canary: { steps: [50], stepSeconds: 1 },
        analysis: { intervalSeconds: 1, windowSeconds: 10, minSamples: 10 },
      },
    })
    return [undefined, `/serve/${deployment}/invocations follows @champion (canary releases)`]
  })

  const monitors = await stage(progress, stages, 'monitors and alert', async () => {
    const { pipeline } = await lathe.pipelines.catalog.register(join(EXAMPLE_DIR, 'retrain.yaml'))
    const create = (kind: MonitorKind, spec = {}) =>
      lathe.monitoring.monitors.create({ deployment, kind, windowMs: 3_600_000, spec })
    const thresholds = Object.fromEntries(
      FEATURES.map((f) => [f, { test: 'psi' as const, threshold: 0.2 }]),
    )
    // No reference given: it is the dataset the serving version was trained on, from the lineage.
    const drift = await create('drift', { features: [...FEATURES], thresholds })
    const performance = await create('performance', { labelField: 'label', task: 'classification' })
    const operational = await create('operational')
    const quality = await create('quality', { contract })
    const recent = join(options.workDir, 'recent.csv')
    const rule = await lathe.monitoring.alerts.createRule({
      monitorId: drift.id,
      metric: 'drift.share',
      op: 'above',
      threshold: 0.5,
      webhooks: options.webhooks,
      actions: [
        {
          kind: 'retrain',
          pipeline: pipeline.name,
          params: { data: recent, contract, model, dataset: `weather-recent${s}` },
        },
      ],
    })
    const ids = {
      drift: drift.id,
      performance: performance.id,
      operational: operational.id,
      quality: quality.id,
    }
    return [
      { ids, rule, recent },
      `drift (PSI per feature), performance, operational, quality (contract ${contract}); alert drift.share > 0.5 → ${pipeline.name}`,
    ]
  })

  const windows: Record<string, { startMs: number; endMs: number }> = {}
  const replayAndMonitor = async (period: Period, key: string): Promise<[Replay, number]> => {
    const replay = await replayPeriod(app, {
      deployment,
      period,
      idPrefix: `${deployment}-${key}-${Date.now()}`,
    })
    await lathe.serving.inferenceLog.flush()
    const window = { startMs: replay.startMs, endMs: replay.endMs }
    windows[key] = window
    let share = 0
    for (const id of Object.values(monitors.ids)) {
      const points = await lathe.monitoring.monitors.run(id, window)
      share = points.find((p) => p.metric === 'drift.share')?.value ?? share
    }
    return [replay, share]
  }
  const describe = (p: Period, r: Replay, share: number) =>
    `${p.description}: ${r.requests} requests, accuracy ${fmt(r.correct / Math.max(1, r.requests))}, drifted features ${fmt(share)}`

  await stage(progress, stages, 'replay control period', async () => {
    const [replay, share] = await replayAndMonitor(periods.control, 'control')
    return [undefined, describe(periods.control, replay, share)]
  })

  const retrainRunId = await stage(progress, stages, 'replay drifted period', async () => {
    const halves = halve(periods.drifted)
    const outcomes: string[] = []
    for (const [i, half] of halves.entries()) {
      const [replay, share] = await replayAndMonitor(half, `drifted-${i + 1}`)
      outcomes.push(describe(half, replay, share))
    }
    // The labelled recent traffic the retraining pipeline learns from.
    const rows = options.sabotageRetrain
      ? shuffleLabels(periods.drifted.rows)
      : periods.drifted.rows
    writeCsv(monitors.recent, rows)
    await lathe.events.drain()
    const state = (await lathe.monitoring.alerts.states()).find(
      (a) => a.ruleId === monitors.rule.id,
    )
    const actions = (await lathe.monitoring.actions?.list(monitors.rule.id)) ?? []
    const runId = actions.find((a) => a.kind === 'retrain')?.target
    return [
      runId,
      `${outcomes.join('; ')}; alert ${state?.state ?? 'ok'}, retraining ${runId ? 'started' : 'not started'}`,
    ]
  })

  const retrainStatus = await stage(progress, stages, 'retrain on recent data', async () => {
    if (!retrainRunId) return [undefined, 'no retraining run']
    const detail = await waitForRun(lathe, retrainRunId)
    await lathe.events.drain()
    const gates = detail.steps.find((st) => st.step === 'gates')
    const outcome =
      detail.status === 'succeeded'
        ? `run ${retrainRunId.slice(0, 8)} succeeded: gates passed, @champion moved`
        : `run ${retrainRunId.slice(0, 8)} ${detail.status}: gates ${gates?.status ?? 'not reached'}, champion stays`
    return [detail.status, outcome]
  })

  const canary = await stage(progress, stages, 'canary release', async () => {
    const outcome = await watchCanary(lathe, app, deployment, periods.canary)
    return [outcome, outcome?.detail ?? 'no release (the champion did not move)']
  })

  await stage(progress, stages, 'replay after the release', async () => {
    const [replay, share] = await replayAndMonitor(periods.after, 'after')
    const state = (await lathe.monitoring.alerts.states()).find(
      (a) => a.ruleId === monitors.rule.id,
    )
    return [undefined, `${describe(periods.after, replay, share)}; alert ${state?.state ?? 'ok'}`]
  })
  await lathe.events.drain()
  const after = await lathe.serving.deployments.get(deployment)
  return {
    model,
    deployment,
    monitors: monitors.ids,
    driftRuleId: monitors.rule.id,
    windows,
    retrainRunId,
    retrainStatus,
    canary,
    championBefore: champion,
    championAfter: after.version,
    stages,
  }
}
