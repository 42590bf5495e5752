import * as ort from 'onnxruntime-node'
import { InvalidParameterError } from '../shared/errors.js'

/** An input or output of an ONNX graph, as onnxruntime reports it. */
export type ValueInfo =
  | {
      /** Tensor name. */
      readonly name: string
      /** A tensor, which onnxruntime-node can feed and fetch. */
      readonly isTensor: true
      /** onnxruntime element type: 'float32', 'float64', 'int64', 'string', ... */
      readonly type: ort.Tensor.Type
      /** Dimensions: a number, a symbolic name such as 'N', or '' when unset; [] if unknown. */
      readonly shape: readonly (number | string)[]
    }
  | {
      /** Value name. */
      readonly name: string
      /** A sequence or map (such as skl2onnx's ZipMap output), which run() cannot return. */
      readonly isTensor: false
    }

/** A loaded ONNX model: an onnxruntime session and its graph's inputs and outputs. */
export interface OnnxModel {
  /** The runtime session (one intra-op thread: a server runs many single-row requests). */
  readonly session: ort.InferenceSession
  /** Graph inputs, in graph order. */
  readonly inputs: readonly ValueInfo[]
  /** Graph outputs, in graph order. */
  readonly outputs: readonly ValueInfo[]
}

/**
 * Loads ONNX bytes into onnxruntime-node. Runtime logging is silenced: failures surface as errors.
 * @throws InvalidParameterError if the bytes are not a model onnxruntime can load (corrupt file,
 *   unsupported opset or IR version, invalid graph); the runtime's message is kept.
 */
export async function loadOnnxModel(bytes: Uint8Array): Promise<OnnxModel> {
  if (bytes.length === 0) throw new InvalidParameterError('The ONNX model file is empty')
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      logSeverityLevel: 4,
    })
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new InvalidParameterError(`Cannot load the ONNX model: ${reason}`, { cause })
  }
  return { session, inputs: session.inputMetadata, outputs: session.outputMetadata }
}
