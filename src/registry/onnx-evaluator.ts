import { buffer } from 'node:stream/consumers'
import {
  checkSignature,
  loadOnnxModel,
  readModelPackage,
  runModel,
  type Frame,
  type ModelInput,
  type ModelPackage,
  type ModelSignature,
  type OnnxModel,
} from '../models/index.js'
import { DomainError, InvalidParameterError } from '../shared/errors.js'
import type { ArtifactStore } from '../store/index.js'
import { artifactKeyOf } from '../tracking/index.js'
import type { EvaluationDatasets } from './deps.js'
import type { CheckOutcome, Evaluator, Predictions, PredictRequest } from './evaluator.js'
import { inputExampleToModelInput } from './input-example.js'
import type { ModelVersion } from './model.js'
import { toPredictions } from './model-predictions.js'

/** A version's package, loaded into the runtime. */
interface LoadedModel {
  readonly pkg: ModelPackage
  readonly onnx: OnnxModel
}

/** Signature inputs (required unless marked otherwise) that the example does not give. */
function missingInputs(signature: ModelSignature | undefined, input: ModelInput): string[] {
  if (!signature) return []
  const given = new Set(
    Array.isArray(input) ? input.flatMap((r) => Object.keys(r)) : Object.keys(input),
  )
  return signature.inputs
    .filter((spec) => spec.type === 'tensor' || spec.required !== false)
    .map((spec) => spec.name)
    .filter((name) => !given.has(name))
}

/** The package a version points at, from the artifact store: a folder, or one `.onnx` file. */
export async function readVersionPackage(
  artifacts: ArtifactStore,
  version: ModelVersion,
): Promise<ModelPackage> {
  const key = artifactKeyOf(version.storageLocation)
  const read = async (name: string) => buffer(await artifacts.get(name ? `${key}/${name}` : key))
  if (key.endsWith('.onnx')) {
    return {
      onnx: await read(''),
      signature: undefined,
      inputExample: undefined,
      manifest: undefined,
    }
  }
  const files = {
    list: async () =>
      (await artifacts.list(key)).filter((e) => !e.isDir).map((e) => e.key.slice(key.length + 1)),
    read,
  }
  return readModelPackage(files, key)
}

/**
 * Runs versions with the models context's ONNX runtime: the signature and smoke-test gates on
 * the package alone, and the prediction gates (baseline, fairness, calibration) on evaluation
 * datasets read from the data context.
 */
export class OnnxEvaluator implements Evaluator {
  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly datasets?: EvaluationDatasets | undefined,
  ) {}

  async predict(version: ModelVersion, request: PredictRequest): Promise<Predictions> {
    if (!this.datasets) {
      throw new Error('this process has no data context to read evaluation datasets from')
    }
    // Read first: an unknown dataset or column is the caller's error (4xx), not a failed gate.
    const frame = await this.datasets.read(request.dataset)
    const { pkg, onnx } = await modelFault(() => this.#load(version))
    try {
      const target =
        request.target ?? pkg.manifest?.target ?? inferTarget(frame, onnx, request.columns)
      const column = (name: string) => {
        const values = frame[name]
        if (values === undefined) {
          throw new InvalidParameterError(
            `Dataset ${request.dataset} has no column '${name}' (columns: ${Object.keys(frame).join(', ')})`,
          )
        }
        return values
      }
      const values = column(target)
      const columns = Object.fromEntries(
        request.columns.map((name) => [
          name,
          Array.from(column(name) as ArrayLike<unknown>, String),
        ]),
      )
      return await modelFault(async () =>
        toPredictions(await runModel(onnx, frame), { name: target, values }, columns),
      )
    } finally {
      await onnx.session.release()
    }
  }

  async checkSignature(version: ModelVersion): Promise<CheckOutcome> {
    return this.#check(version, async ({ pkg, onnx }) => {
      const { signature } = pkg
      if (!signature) return { passed: false, detail: 'the model package declares no signature' }
      const mismatches = checkSignature(signature, onnx)
      if (mismatches.length > 0) {
        return { passed: false, detail: mismatches.map((m) => m.message).join('; ') }
      }
      const { inputs, outputs } = signature
      return {
        passed: true,
        detail: `${inputs.length} inputs and ${outputs.length} outputs match the graph`,
      }
    })
  }

  async smokeTest(version: ModelVersion): Promise<CheckOutcome> {
    return this.#check(version, async ({ pkg, onnx }) => {
      if (pkg.inputExample === undefined) {
        return { passed: false, detail: 'the model package has no input example' }
      }
      const input = inputExampleToModelInput(pkg.inputExample)
      if (!input)
        return { passed: false, detail: 'the input example has a shape this server cannot read' }
      const missing = missingInputs(pkg.signature, input)
      if (missing.length > 0) {
        return {
          passed: false,
          detail: `the input example lacks required inputs: ${missing.join(', ')}`,
        }
      }
      const outputs = await runModel(onnx, input)
      return {
        passed: true,
        detail: `the input example ran; outputs: ${Object.keys(outputs).join(', ')}`,
      }
    })
  }

  async #load(version: ModelVersion): Promise<LoadedModel> {
    const pkg = await readVersionPackage(this.artifacts, version)
    return { pkg, onnx: await loadOnnxModel(pkg.onnx) }
  }

  /** Loads the version's model, runs `fn`, and turns any failure into a failed check. */
  async #check(version: ModelVersion, fn: (model: LoadedModel) => Promise<CheckOutcome>) {
    let model: LoadedModel | undefined
    try {
      model = await this.#load(version)
      return await fn(model)
    } catch (err) {
      return { passed: false, detail: (err as Error).message }
    } finally {
      await model?.onnx.session.release()
    }
  }
}

/**
 * Runs `fn`, turning its domain errors into plain ones: a model that cannot be read or rejects the
 * dataset fails its gates with the reason; it is no fault of the caller's request.
 */
async function modelFault<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof DomainError) throw new Error(err.message, { cause: err })
    throw err
  }
}

/** The one dataset column that is neither a model input nor asked for: the label column. */
function inferTarget(frame: Frame, onnx: OnnxModel, asked: readonly string[]): string {
  const inputs = new Set(onnx.inputs.map((i) => i.name))
  const rest = Object.keys(frame).filter((name) => !inputs.has(name) && !asked.includes(name))
  if (rest.length === 1) return rest[0]!
  throw new InvalidParameterError(
    `Name the evaluation dataset's label column (--target): the model's package records none, and ${rest.length === 0 ? 'every column is a model input' : `several columns are not model inputs (${rest.join(', ')})`}`,
  )
}
