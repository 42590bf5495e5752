import { InvalidParameterError } from '../shared/errors.js'
import { signatureFromOnnx, verifySignature } from './check-signature.js'
import type { NewModelPackage } from './model-package.js'
import { loadOnnxModel } from './onnx-model.js'
import { runModel } from './run-model.js'
import { fromMlflowSignature } from './signature.js'

type Row = Readonly<Record<string, unknown>>

/** An ONNX file exported elsewhere, with what its logger declares about it. */
export interface ExternalModel {
  readonly onnx: Uint8Array
  /** An MLflow signature (`{inputs, outputs}`, schemas as arrays or JSON strings); else read from the graph. */
  readonly signature?: unknown
  /** Example input: records, or pandas' split orient (`{columns, data}`). */
  readonly inputExample?: unknown
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An input example as records. @throws InvalidParameterError for another shape */
function exampleRecords(example: unknown): Row[] {
  if (Array.isArray(example) && example.every(isRow)) return example
  if (isRow(example) && Array.isArray(example.columns) && Array.isArray(example.data)) {
    const columns = example.columns.map(String)
    return example.data.map((row: unknown) =>
      Object.fromEntries(columns.map((c, i) => [c, Array.isArray(row) ? row[i] : undefined])),
    )
  }
  throw new InvalidParameterError(
    'The input example must be a JSON list of records or {"columns": [...], "data": [[...]]}',
  )
}

/**
 * Checks an ONNX model exported by another tool (scikit-learn, XGBoost, LightGBM, PyTorch) before
 * it is logged: loads it with onnxruntime, checks the declared signature against the graph (or
 * reads one from it) and runs the input example through it. Returns what `writeModelPackage`
 * takes besides the facts of the run.
 * @throws InvalidParameterError for a file onnxruntime cannot load, a signature that does not
 *   match the graph, or an input example that does not run
 */
export async function checkExternalModel(
  input: ExternalModel,
): Promise<Pick<NewModelPackage, 'onnx' | 'signature' | 'inputExample'>> {
  const model = await loadOnnxModel(input.onnx)
  try {
    const signature =
      input.signature === undefined
        ? signatureFromOnnx(model)
        : fromMlflowSignature(checkSignatureShape(input.signature))
    verifySignature(signature, model)
    const example =
      input.inputExample === undefined ? undefined : exampleRecords(input.inputExample)
    if (example) {
      await runModel(model, example).catch((cause: unknown) => {
        const reason = cause instanceof Error ? cause.message : String(cause)
        throw new InvalidParameterError(`The input example does not run: ${reason}`, { cause })
      })
    }
    return { onnx: input.onnx, signature, inputExample: example }
  } finally {
    await model.session.release()
  }
}

function checkSignatureShape(value: unknown): { inputs: unknown; outputs?: unknown } {
  if (!isRow(value) || value.inputs === undefined) {
    throw new InvalidParameterError(
      'The signature must be a JSON object with "inputs" (and "outputs"), as MLflow writes it',
    )
  }
  return value as { inputs: unknown; outputs?: unknown }
}
