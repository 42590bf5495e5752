import { Readable } from 'node:stream'
import onnxProto from 'onnx-proto'
import { stringify } from 'yaml'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/api/server.js'
import { openLathe, type Lathe } from '../../src/main.js'
import type { TestBackend } from './backends.js'
import {
  toMlflowSignature,
  trainGradientBoostingClassifier,
  trainLogisticRegression,
  type ModelSignature,
} from '../../src/models/index.js'
import { GraphBuilder, int64Tensor } from '../../src/models/onnx-graph.js'
import { makeTabularFrame } from '../../src/models/make-tabular-frame.js'
import { newHexId } from '../../src/shared/ids.js'

const { onnx } = onnxProto

/** A model version's files, as a trainer or an exporter leaves them. */
export interface ModelFiles {
  readonly onnx: Uint8Array
  readonly signature?: ModelSignature | undefined
  readonly inputExample?: unknown
  /** Write the signature as `signature.json` (our trainers) instead of an MLmodel file. */
  readonly signatureJson?: boolean | undefined
}

/** Rows of the synthetic table the test models are trained on, as JSON records. */
export function tabularRecords(rows: number, seed = 7): Record<string, unknown>[] {
  const frame = makeTabularFrame({ rows, seed })
  return Array.from({ length: rows }, (_, i) => ({
    x1: frame.x1![i],
    x2: frame.x2![i],
    x3: Number.isNaN(frame.x3![i]) ? null : frame.x3![i],
    city: frame.city![i],
  }))
}

/**
 * A logistic regression (or, with `gbdt`, boosted trees) on x1, x2, x3, city → label. With
 * `skewed`, it learns from labels that are almost all `c0`, so its predictions drift far from
 * a normal version's.
 */
export function classifierFiles(
  options: { seed?: number; gbdt?: boolean; skewed?: boolean } = {},
): ModelFiles {
  const table = makeTabularFrame({ rows: 300, seed: options.seed ?? 1 })
  const label = (table.label as string[]).map((l, i) => (options.skewed ? (i % 20 ? 'c0' : l) : l))
  const frame = { ...table, label }
  const train = { target: 'label', features: ['x1', 'x2', 'x3', 'city'], seed: options.seed ?? 1 }
  const model = options.gbdt
    ? trainGradientBoostingClassifier(frame, { ...train, maxIterations: 20 })
    : trainLogisticRegression(frame, train)
  return {
    onnx: model.toOnnx(),
    signature: model.signature,
    inputExample: { dataframe_records: tabularRecords(3, 99) },
  }
}

/** A model whose every call fails at run time (Gather past the end), with a matching signature. */
export function failingFiles(): ModelFiles {
  const g = new GraphBuilder()
  const inputs = ['x1', 'x2', 'x3'].map((name) =>
    g.input({ name, type: 'double', shape: ['N', 1] }),
  )
  g.input({ name: 'city', type: 'string', shape: ['N', 1] })
  const sum = g.node('Add', [g.node('Add', [inputs[0]!, inputs[1]!]), inputs[2]!])
  g.node(
    'Gather',
    [sum, g.constant(int64Tensor('past_end', [1], [5]))],
    { axis: 1 },
    { outputs: ['label'] },
  )
  g.output({ name: 'label', type: 'double', shape: ['N', 1] })
  return { onnx: g.toBytes('always_fails') }
}

/** A model doing ~`rounds` 512×512 matrix products per row: slow enough to time out a shadow. */
export function slowFiles(rounds = 40): ModelFiles {
  const g = new GraphBuilder()
  const x = g.input({ name: 'x1', type: 'double', shape: ['N', 1] })
  for (const name of ['x2', 'x3']) g.input({ name, type: 'double', shape: ['N', 1] })
  g.input({ name: 'city', type: 'string', shape: ['N', 1] })
  const wide = g.node('Tile', [x, g.constant(int64Tensor('reps', [2], [1, 512]))])
  const weights = onnx.TensorProto.create({
    name: 'W',
    dims: [512, 512],
    dataType: onnx.TensorProto.DataType.DOUBLE,
    doubleData: Array.from({ length: 512 * 512 }, (_, i) => ((i % 7) - 3) / 512),
  })
  const w = g.constant(weights)
  let h = wide
  for (let i = 0; i < rounds; i++) h = g.node('MatMul', [h, w])
  const one = g.node('ReduceSum', [h, g.constant(int64Tensor('axes', [1], [1]))], { keepdims: 1 })
  g.node('Identity', [one], {}, { outputs: ['label'] })
  g.output({ name: 'label', type: 'double', shape: ['N', 1] })
  return { onnx: g.toBytes('slow') }
}

async function put(lathe: Lathe, key: string, body: string | Uint8Array): Promise<void> {
  await lathe.artifacts.put(key, Readable.from([Buffer.from(body)]))
}

/** Stores the files and registers them as the next version of `model` (created if needed). */
export async function registerModel(
  lathe: Lathe,
  model: string,
  files: ModelFiles,
  aliases: readonly string[] = [],
): Promise<number> {
  const dir = `serving-test/${model}/${newHexId()}`
  await put(lathe, `${dir}/model.onnx`, files.onnx)
  if (files.signature && files.signatureJson) {
    await put(lathe, `${dir}/signature.json`, JSON.stringify(files.signature))
  } else if (files.signature) {
    const mlmodel = {
      flavors: { onnx: { data: 'model.onnx' } },
      signature: toMlflowSignature(files.signature),
      ...(files.inputExample === undefined
        ? {}
        : { saved_input_example_info: { artifact_path: 'input_example.json', type: 'dataframe' } }),
    }
    await put(lathe, `${dir}/MLmodel`, stringify(mlmodel))
  }
  if (files.inputExample !== undefined)
    await put(lathe, `${dir}/input_example.json`, JSON.stringify(files.inputExample))
  await lathe.registry.models.create({ name: model }).catch(() => {})
  const version = await lathe.registry.versions.create({
    name: model,
    source: `mlflow-artifacts:/${dir}`,
  })
  for (const alias of aliases) await lathe.registry.aliases.set(model, alias, version.version)
  return version.version
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public now = 1_700_000_000_000) {}
  nowMs(): number {
    return this.now
  }
  advance(ms: number): void {
    this.now += ms
  }
}

/** A Lathe on `backend` with a hand-moved clock, its server ready and the controller's timer off. */
export async function startServingLathe(backend: TestBackend, clock = new ManualClock()) {
  const { config, cleanup } = await backend.fresh()
  const lathe = await openLathe(config, clock)
  const app = await buildServer(lathe)
  await app.ready()
  // Tests drive the release controller with `tick()` at the times they choose.
  lathe.serving.controller.stop()
  return {
    lathe,
    app,
    clock,
    async close() {
      await app.close()
      await lathe.close()
      await cleanup()
    },
  }
}

/** Posts one MLflow scoring request; returns the status, the version that answered and the body. */
export async function invoke(
  app: FastifyInstance,
  deployment: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  const res = await app.inject({
    method: 'POST',
    url: `/serve/${deployment}/invocations`,
    payload: payload as object,
    headers,
  })
  return {
    status: res.statusCode,
    version: Number(res.headers['x-lathe-model-version']),
    variant: res.headers['x-lathe-variant'] as string | undefined,
    body: res.json() as Record<string, unknown>,
  }
}
