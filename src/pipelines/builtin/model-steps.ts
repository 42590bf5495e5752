import { Readable } from 'node:stream'
import { z } from 'zod'
import type { DatasetVersion } from '../../data/index.js'
import { writeModelPackage, type Frame, type TrainedModel } from '../../models/index.js'
import { AlreadyExistsError, InvalidParameterError } from '../../shared/errors.js'
import type { BuiltinKind } from '../definition/builtin-kind.js'
import type { StepContext } from '../definition/step-context.js'
import { sha256 } from '../run/digest.js'
import { Scalar } from './parse-config.js'
import { readFrame } from './read-frame.js'
import { TRAINERS } from './trainers.js'

const TrainConfig = z.strictObject({
  /** A stored dataset version: `name:3`, `name@golden`. */
  dataset: z.string().min(1),
  /** A built-in trainer: `logistic_regression`, `linear_regression`, … */
  trainer: z.string().min(1),
  target: z.string().min(1),
  features: z.array(z.string().min(1)).optional(),
  validationFraction: z.number().min(0).max(0.9).optional(),
  /** The trainer's own hyperparameters (`l2`, `maxIterations`, …). */
  options: z.record(z.string(), Scalar).default({}),
})

/** A trained model, logged to the step's tracking run under `model/`. */
export interface TrainOutput {
  readonly trainer: string
  readonly metrics: Record<string, number>
  /** sha256 of the ONNX bytes: equal for identical reruns (trainers are deterministic by seed). */
  readonly onnxSha256: string
  /** `runs:/<run>/model`, what `model.register` takes. */
  readonly modelUri: string
  readonly runId: string
}

/**
 * Logs the model as a model package under `model/` of the step's tracking run: the ONNX graph,
 * an MLmodel with its signature, an input example and Lathe's manifest (what serving and the
 * registry's gates read).
 */
async function logModel(
  ctx: StepContext,
  model: TrainedModel,
  training: { frame: Frame; target: string; dataset: DatasetVersion },
): Promise<Uint8Array> {
  const { tracking } = ctx.services
  const onnx = model.toOnnx()
  await tracking.logParams(ctx.trackingRunId, { trainer: model.kind, ...model.params })
  await ctx.logMetrics(model.metrics)
  const columns = model.signature.inputs.map((i) => i.name)
  const files = writeModelPackage({
    onnx,
    signature: model.signature,
    inputExample: inputExample(training.frame, columns),
    runId: ctx.trackingRunId,
    target: training.target,
    datasets: [{ name: training.dataset.name, digest: training.dataset.digest }],
    metrics: model.metrics,
    createdAtMs: Date.now(),
  })
  for (const [path, body] of files) {
    await tracking.artifacts.put(
      ctx.trackingRunId,
      `model/${path}`,
      Readable.from([Buffer.from(body)]),
    )
  }
  return onnx
}

/** `model.train`: trains a built-in trainer on a dataset version and logs the ONNX model. */
export const trainStep: BuiltinKind<typeof TrainConfig, TrainOutput> = {
  kind: 'model.train',
  version: 1,
  volatile: ['modelUri', 'runId'],
  idempotent: true,
  config: TrainConfig,
  async run(ctx, config) {
    const { data } = ctx.services
    const trainer = TRAINERS[config.trainer]
    if (!trainer) {
      const known = Object.keys(TRAINERS).join(', ')
      throw new InvalidParameterError(
        `Step '${ctx.step}': unknown trainer '${config.trainer}' (trainers: ${known})`,
      )
    }
    const version = await data.runs.logInput(ctx.trackingRunId, config.dataset, 'training')
    ctx.recordInput({ kind: 'dataset_version', id: version.id, digest: version.digest })
    const frame = await data.datasets.withFile(version, (path) => readFrame(version, path))
    const iterations: { key: string; value: number; timestamp: number; step: number }[] = []
    const model = trainer(frame, {
      ...config.options,
      target: config.target,
      features: config.features,
      validationFraction: config.validationFraction,
      seed: ctx.seed,
      onIteration: (step, metrics) => {
        const timestamp = Date.now()
        for (const [key, value] of Object.entries(metrics))
          iterations.push({ key, value, timestamp, step })
      },
    })
    // Per-iteration curves (loss per tree or solver step), in batches of MLflow's 1000 metrics.
    for (let i = 0; i < iterations.length; i += 1000) {
      await ctx.services.tracking.runs.logBatch(ctx.trackingRunId, {
        metrics: iterations.slice(i, i + 1000),
      })
    }
    const onnx = await logModel(ctx, model, { frame, target: config.target, dataset: version })
    ctx.log(
      `trained ${model.kind} on ${version.name}:${version.version}: ${JSON.stringify(model.metrics)}`,
    )
    return {
      trainer: config.trainer,
      metrics: { ...model.metrics },
      onnxSha256: sha256(onnx),
      modelUri: `runs:/${ctx.trackingRunId}/model`,
      runId: ctx.trackingRunId,
    }
  },
}

/** The first rows of the model's input columns, as records: the smoke-test gate runs them. */
function inputExample(
  frame: Frame,
  columns: readonly (string | undefined)[],
): Record<string, unknown>[] {
  const names = columns.filter((c): c is string => c !== undefined && c in frame)
  const rows = Math.min(3, frame[names[0] ?? '']?.length ?? 0)
  return Array.from({ length: rows }, (_, row) =>
    Object.fromEntries(names.map((name) => [name, frame[name]![row]])),
  )
}

const RegisterConfig = z.strictObject({
  /** Registered model name (created when missing). */
  model: z.string().min(1),
  /** `runs:/<run>/model`, as `model.train` returns it. */
  source: z.string().min(1),
  runId: z.string().min(1).optional(),
  description: z.string().optional(),
})

/** A registered model version. */
export interface RegisterOutput {
  readonly model: string
  readonly version: number
}

/** `model.register`: registers the model as the next version of a registered model. */
export const registerStep: BuiltinKind<typeof RegisterConfig, RegisterOutput> = {
  kind: 'model.register',
  version: 1,
  volatile: ['version'],
  // Each run makes a new version: after a lost worker it is failed, not run a second time.
  idempotent: false,
  config: RegisterConfig,
  async run(ctx, config) {
    const { registry } = ctx.services
    await registry.models.create({ name: config.model }).catch((err: unknown) => {
      if (!(err instanceof AlreadyExistsError)) throw err
    })
    const runId = config.runId ?? /^runs:\/([^/]+)/.exec(config.source)?.[1]
    const version = await registry.versions.create({
      name: config.model,
      source: config.source,
      runId,
      description: config.description,
      tags: [{ key: 'lathe.pipeline_run_id', value: ctx.runId }],
    })
    ctx.recordOutput({ kind: 'model_version', id: `${config.model}/${version.version}` })
    ctx.log(`registered ${config.model} version ${version.version}`)
    return { model: config.model, version: Number(version.version) }
  },
}

const GatesConfig = z.strictObject({
  model: z.string().min(1),
  version: z.union([z.number().int().positive(), z.string().min(1)]),
  /** Evaluation dataset for the gates that score the model. */
  dataset: z.string().min(1).optional(),
  /** Fail the step when a gate fails (default true). */
  failOnReject: z.boolean().default(true),
})

/** A gate evaluation's verdict. */
export interface GatesOutput {
  readonly passed: boolean
  readonly reportId: string
  readonly gates: { gate: string; passed: boolean }[]
}

/** `gates.evaluate`: runs the registered model's gates on a version and keeps the report. */
export const gatesStep: BuiltinKind<typeof GatesConfig, GatesOutput> = {
  kind: 'gates.evaluate',
  version: 1,
  volatile: ['reportId'],
  idempotent: true,
  config: GatesConfig,
  async run(ctx, config) {
    const report = await ctx.services.registry.gates.evaluate(config.model, config.version, {
      dataset: config.dataset,
    })
    for (const r of report.results)
      ctx.log(`gate ${r.gate}: ${r.passed ? 'passed' : 'FAILED'} (${r.detail})`)
    const failed = report.results.filter((r) => !r.passed)
    if (!report.passed && config.failOnReject)
      throw new Error(
        `${config.model} v${config.version} failed its gates: ${failed.map((r) => `${r.gate} (${r.detail})`).join('; ')}`,
      )
    return {
      passed: report.passed,
      reportId: report.id,
      gates: report.results.map((r) => ({ gate: r.gate, passed: r.passed })),
    }
  },
}

const AliasConfig = z.strictObject({
  model: z.string().min(1),
  alias: z.string().min(1),
  version: z.union([z.number().int().positive(), z.string().min(1)]),
})

/** `alias.set`: points an alias (`champion`) at a version, through the model's gates. */
export const aliasStep: BuiltinKind<
  typeof AliasConfig,
  { model: string; alias: string; version: number }
> = {
  kind: 'alias.set',
  version: 1,
  volatile: ['version'],
  idempotent: true,
  config: AliasConfig,
  async run(ctx, config) {
    await ctx.services.registry.aliases.set(config.model, config.alias, config.version)
    ctx.log(`${config.model}@${config.alias} → version ${config.version}`)
    return { model: config.model, alias: config.alias, version: Number(config.version) }
  },
}
