import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { loadContractFile } from '../../data/index.js'
import type { Lathe } from '../../main.js'
import type { AlertRule, MonitorKind } from '../../monitoring/index.js'
import { runAs } from '../../shared/actor.js'
import { AlreadyExistsError } from '../../shared/errors.js'
import { FEATURES, writeCsv, type Periods } from './quickstart-data.js'
import { fmt } from './quickstart-helpers.js'

/** Where the quickstart's pipeline definitions and contract live. */
const EXAMPLE_DIR = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url))

const ACCURACY_GATE = 0.7

/** What every stage works with. */
export interface Setup {
  readonly lathe: Lathe
  readonly app: FastifyInstance
  readonly workDir: string
  /** Appended to the names, so a second round sits beside the first. */
  readonly suffix: string
  readonly model: string
  readonly deployment: string
  readonly periods: Periods
  readonly webhooks: readonly string[] | undefined
  /** The stored contract, `weather:1`. */
  readonly contract: string
}

/** A stage's value and the line that tells how it went. */
export type Outcome<T> = Promise<[T, string]>

interface Candidate {
  readonly trainer: string
  readonly metrics: Record<string, number>
  readonly modelUri: string
  readonly runId: string
}

/** The monitors and the drift alert the loop runs on. */
export interface Monitors {
  readonly ids: { drift: string; performance: string; operational: string; quality: string }
  readonly rule: AlertRule
  /** Where the labelled recent traffic is written for the retraining pipeline. */
  readonly recent: string
}

/** Stores the contract (versioned) so pipelines validate against it and a monitor checks it. */
export async function storeContract(lathe: Lathe): Promise<string> {
  const file = join(EXAMPLE_DIR, 'weather.contract.yaml')
  const { contract } = await lathe.data.contracts.register(await loadContractFile(file))
  return `${contract.name}:${contract.version}`
}

/** Versions and validates the first period, trains two candidates; the better one first. */
export async function trainCandidates(q: Setup): Outcome<Candidate[]> {
  const data = writeCsv(join(q.workDir, 'train.csv'), q.periods.train.rows)
  const run = await q.lathe.pipelines.run(join(EXAMPLE_DIR, 'train.yaml'), {
    params: { data, contract: q.contract, dataset: `weather${q.suffix}` },
  })
  const detail = await run.done
  if (detail.status !== 'succeeded')
    throw new Error(`the training pipeline ${detail.status}: ${JSON.stringify(detail.failures)}`)
  const accuracy = (c: Candidate) => c.metrics.validation_accuracy ?? 0
  const trained = detail.steps
    .filter((st) => st.step.startsWith('train-'))
    .map((st) => st.outputs as Candidate)
    .sort((a, b) => accuracy(b) - accuracy(a))
  const text = trained.map((t) => `${t.trainer} ${fmt(accuracy(t))}`).join(', ')
  const { description, rows } = q.periods.train
  return [trained, `${description}: ${rows.length} rows valid; accuracy ${text}`]
}

/** Registers the winner, evaluates its gates, has a reviewer approve it as `@champion`. */
export async function crownChampion(q: Setup, winner: Candidate): Outcome<number> {
  const { registry } = q.lathe
  await registry.models.create({ name: q.model }).catch((err: unknown) => {
    if (!(err instanceof AlreadyExistsError)) throw err
  })
  await registry.gates.setPolicy(q.model, {
    gates: [{ kind: 'metric', metric: 'validation_accuracy', op: '>=', threshold: ACCURACY_GATE }],
  })
  const { version } = await registry.versions.create({
    name: q.model,
    source: winner.modelUri,
    runId: winner.runId,
    description: `${winner.trainer}, the better of two candidates on ${q.periods.train.description}`,
  })
  const report = await registry.gates.evaluate(q.model, version)
  if (!report.passed) throw new Error(`${q.model} v${version} failed its gates`)
  const reason = `best validation accuracy of the candidates (${winner.trainer})`
  const request = await runAs('quickstart', () =>
    registry.approvals.request({ name: q.model, version, alias: 'champion', reason }),
  )
  // Approval takes someone other than the requester; it moves the alias through the gates.
  await runAs('reviewer', () => registry.approvals.approve(request.id, 'looks good'))
  const outcome = `${winner.trainer} → ${q.model} v${version}, gates passed, approved by reviewer, @champion`
  return [Number(version), outcome]
}

/** A deployment following `@champion` that releases each new champion as a 50% canary. */
export async function deploy(q: Setup): Outcome<undefined> {
  await q.lathe.serving.deployments.create({
    name: q.deployment,
    model: q.model,
    alias: 'champion',
    strategy: 'canary',
    config: {
      canary: { steps: [50], stepSeconds: 1 },
      analysis: { intervalSeconds: 1, windowSeconds: 10, minSamples: 10 },
    },
  })
  return [undefined, `/serve/${q.deployment}/invocations follows @champion (canary releases)`]
}

/** Drift, performance, operational and quality monitors, and the alert that retrains. */
export async function createMonitors(q: Setup): Outcome<Monitors> {
  const { lathe, deployment, contract } = q
  const { pipeline } = await lathe.pipelines.catalog.register(join(EXAMPLE_DIR, 'retrain.yaml'))
  const create = async (kind: MonitorKind, spec = {}) =>
    (await lathe.monitoring.monitors.create({ deployment, kind, windowMs: 3_600_000, spec })).id
  const thresholds = Object.fromEntries(FEATURES.map((f) => [f, { test: 'psi', threshold: 0.2 }]))
  const ids = {
    // No reference given: it is the dataset the serving version was trained on, from the lineage.
    drift: await create('drift', { features: [...FEATURES], thresholds }),
    performance: await create('performance', { labelField: 'label', task: 'classification' }),
    operational: await create('operational'),
    quality: await create('quality', { contract }),
  }
  const recent = join(q.workDir, 'recent.csv')
  const params = { data: recent, contract, model: q.model, dataset: `weather-recent${q.suffix}` }
  const rule = await lathe.monitoring.alerts.createRule({
    monitorId: ids.drift,
    metric: 'drift.share',
    op: 'above',
    threshold: 0.5,
    webhooks: q.webhooks,
    actions: [{ kind: 'retrain', pipeline: pipeline.name, params }],
  })
  const outcome = `drift (PSI per feature), performance, operational, quality (contract ${contract}); alert drift.share > 0.5 → ${pipeline.name}`
  return [{ ids, rule, recent }, outcome]
}
