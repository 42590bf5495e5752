import type * as ort from 'onnxruntime-node'
import {
  checkSignature,
  loadOnnxModel,
  signatureFromOnnx,
  type ModelSignature,
  type OnnxModel,
  type SignatureMismatch,
} from '../models/index.js'
import type { ValidationPolicy } from './deployment.js'
import { compileInputs, type CompiledInputs } from './input-feeder.js'
import type { ModelPackage } from './model-package.js'
import type { ModelOutputs } from './prediction-output.js'
import type { RawTable } from './raw-table.js'

/**
 * A model failed on input that passed validation: the version's fault, not the caller's. Counted
 * against the version's error rate; the edge answers 500 without the runtime's internals.
 */
export class ModelError extends Error {
  constructor(
    readonly version: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'ModelError'
  }
}

/** A version loaded into onnxruntime, with its request checks compiled. */
export interface LoadedModel {
  readonly model: string
  readonly version: number
  /** The graph's inputs and outputs, as onnxruntime reads them. */
  readonly graph: Pick<OnnxModel, 'inputs' | 'outputs'>
  /** The declared signature, or the one read from the graph when the package has none. */
  readonly signature: ModelSignature
  readonly declared: boolean
  /** How the declared signature disagrees with the graph; such a model is never served. */
  readonly mismatches: readonly SignatureMismatch[]
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  readonly inputExample: unknown
  /** The ONNX file, for loading the same model elsewhere (the shadow worker). */
  readonly bytes: Uint8Array
  /** Requests running on it now (it is not unloaded before they finish). */
  inFlight: number
  /**
   * Checks the table against the signature and runs the model.
   * @throws InvalidParameterError for bad input, ModelError when the model itself fails
   */
  predict(table: RawTable, policy: ValidationPolicy): Promise<ModelOutputs>
  /** The checked feeds alone. @throws InvalidParameterError for bad input */
  feeds(table: RawTable, policy: ValidationPolicy): Record<string, ort.Tensor>
  /** Whether this thread holds an onnxruntime session of the model now. */
  holdsSession(): boolean
  /**
   * Frees this thread's session: where a model worker runs the model, a second copy here only
   * costs memory. `predict` loads it again if it is needed (the worker gone, batch scoring).
   */
  release(): Promise<void>
}

function outputNamesOf(signature: ModelSignature, onnx: OnnxModel): string[] {
  const tensors = onnx.outputs.filter((o) => o.isTensor).map((o) => o.name)
  const declared = signature.outputs.map((o) => o.name).filter((n) => tensors.includes(n))
  return declared.length > 0 ? declared : tensors
}

async function run(
  loaded: LoadedModel,
  session: () => Promise<ort.InferenceSession>,
  feeds: Record<string, ort.Tensor>,
): Promise<ModelOutputs> {
  let results: ort.InferenceSession.ReturnType
  loaded.inFlight++
  try {
    results = await (await session()).run(feeds, loaded.outputNames as string[])
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new ModelError(loaded.version, `Model version ${loaded.version} failed: ${reason}`, {
      cause,
    })
  } finally {
    loaded.inFlight--
  }
  const outputs = new Map<string, ort.Tensor>()
  for (const name of loaded.outputNames) {
    const tensor = results[name]
    if (tensor !== undefined) outputs.set(name, tensor)
  }
  return outputs
}

/**
 * Loads a package into onnxruntime and compiles its input checks. A signature that disagrees
 * with the graph is kept as `mismatches` (for the release gate to report), not thrown.
 * @throws InvalidParameterError when onnxruntime cannot load the graph
 */
export async function loadModel(
  model: string,
  version: number,
  pkg: ModelPackage,
): Promise<LoadedModel> {
  const onnx = await loadOnnxModel(pkg.onnx)
  const declared = pkg.signature !== undefined && pkg.signature.inputs.length > 0
  const signature = declared ? pkg.signature! : signatureFromOnnx(onnx)
  const mismatches = declared ? checkSignature(signature, onnx) : []
  let inputs: CompiledInputs | undefined
  if (mismatches.length === 0) inputs = compileInputs(signature.inputs, onnx.inputs)
  let session: Promise<ort.InferenceSession> | undefined = Promise.resolve(onnx.session)
  const sessionNow = () => (session ??= loadOnnxModel(pkg.onnx).then((m) => m.session))
  const loaded: LoadedModel = {
    model,
    version,
    graph: { inputs: onnx.inputs, outputs: onnx.outputs },
    signature,
    declared,
    mismatches,
    inputNames: signature.inputs.map((s) => s.name),
    outputNames: outputNamesOf(signature, onnx),
    inputExample: pkg.inputExample,
    bytes: pkg.onnx,
    inFlight: 0,
    async predict(table, policy) {
      return run(loaded, sessionNow, loaded.feeds(table, policy))
    },
    feeds(table, policy) {
      if (!inputs) {
        throw new ModelError(version, `Model version ${version} does not match its signature`)
      }
      return inputs.feeds(table, policy)
    },
    holdsSession: () => session !== undefined,
    async release() {
      const held = session
      session = undefined
      await held?.then((s) => s.release()).catch(() => {})
    },
  }
  return loaded
}
