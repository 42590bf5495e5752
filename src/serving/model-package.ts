import type { Readable } from 'node:stream'
import { parse as parseYaml } from 'yaml'
import { fromMlflowSignature, type ModelSignature } from '../models/index.js'
import { InvalidParameterError } from '../shared/errors.js'
import type { ArtifactStore } from '../store/index.js'
import { artifactKeyOf } from '../tracking/index.js'
import { parseMlflowJson, MLFLOW_FORMATS } from './mlflow-request.js'
import { columnsTable, recordsTable, splitTable, type RawTable } from './raw-table.js'

/** A registered version's files, as serving needs them. */
export interface ModelPackage {
  /** The ONNX graph. */
  readonly onnx: Uint8Array
  /** The declared signature (MLmodel `signature` or `signature.json`), when there is one. */
  readonly signature: ModelSignature | undefined
  /** The saved input example (`input_example.json`), raw: parsed once the inputs are known. */
  readonly inputExample: unknown
}

const MAX_SIDE_FILE_BYTES = 10 * 1024 * 1024

async function readAll(stream: Readable, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > limit) throw new InvalidParameterError(`A model file is larger than ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

async function readText(artifacts: ArtifactStore, key: string): Promise<string> {
  return (await readAll(await artifacts.get(key), MAX_SIDE_FILE_BYTES)).toString('utf8')
}

/** Our trainers write tensor specs flat (`{type: 'tensor', dtype, shape}`); MLflow nests them. */
function mlflowSpecs(value: unknown): unknown {
  if (!Array.isArray(value)) return value
  return value.map((spec: unknown) => {
    const s = spec as Record<string, unknown>
    if (s?.type !== 'tensor' || s['tensor-spec'] !== undefined) return spec
    return { name: s.name, type: 'tensor', 'tensor-spec': { dtype: s.dtype, shape: s.shape } }
  })
}

function readSignature(value: unknown, file: string): ModelSignature | undefined {
  if (value === undefined || value === null) return undefined
  const raw = value as { inputs?: unknown; outputs?: unknown }
  try {
    return fromMlflowSignature({
      inputs: mlflowSpecs(raw.inputs),
      outputs: mlflowSpecs(raw.outputs),
    })
  } catch (err) {
    throw new InvalidParameterError(`${file}: ${(err as Error).message}`, { cause: err })
  }
}

/** What the MLmodel file says, when there is one. */
async function readMlmodel(artifacts: ArtifactStore, dir: string, names: Set<string>) {
  if (!names.has('MLmodel')) return {}
  const doc = (parseYaml(await readText(artifacts, `${dir}/MLmodel`)) ?? {}) as Record<
    string,
    unknown
  >
  const onnx = (doc.flavors as { onnx?: { data?: unknown } } | undefined)?.onnx?.data
  const example = (doc.saved_input_example_info as { artifact_path?: unknown } | undefined)
    ?.artifact_path
  return {
    onnxFile: typeof onnx === 'string' ? onnx : undefined,
    exampleFile: typeof example === 'string' ? example : undefined,
    signature: readSignature(doc.signature, 'MLmodel signature'),
  }
}

function pickOnnx(names: Set<string>, declared: string | undefined, dir: string): string {
  if (declared !== undefined && names.has(declared)) return declared
  if (names.has('model.onnx')) return 'model.onnx'
  const onnx = [...names].filter((n) => n.endsWith('.onnx'))
  if (onnx.length === 1) return onnx[0]!
  throw new InvalidParameterError(
    `The model version's files (${dir}) hold ${onnx.length === 0 ? 'no' : 'several'} .onnx files; serving needs exactly one, or MLmodel flavors.onnx.data naming it`,
  )
}

/**
 * Reads a version's package from the artifact store: a directory with the ONNX graph and
 * optionally an MLmodel file (signature, input example) or `signature.json`, or a bare `.onnx`
 * file. @throws InvalidParameterError when no model can be found or a side file is malformed
 */
export async function readModelPackage(
  artifacts: ArtifactStore,
  storageLocation: string,
): Promise<ModelPackage> {
  const key = artifactKeyOf(storageLocation)
  if (key.endsWith('.onnx')) {
    return {
      onnx: await readAll(await artifacts.get(key)),
      signature: undefined,
      inputExample: undefined,
    }
  }
  const names = new Set(
    (await artifacts.list(key)).filter((e) => !e.isDir).map((e) => e.key.slice(key.length + 1)),
  )
  const mlmodel = await readMlmodel(artifacts, key, names)
  const onnx = await readAll(
    await artifacts.get(`${key}/${pickOnnx(names, mlmodel.onnxFile, key)}`),
  )
  let signature = mlmodel.signature
  if (signature === undefined && names.has('signature.json')) {
    signature = readSignature(
      JSON.parse(await readText(artifacts, `${key}/signature.json`)),
      'signature.json',
    )
  }
  const exampleFile = mlmodel.exampleFile ?? 'input_example.json'
  const inputExample = names.has(exampleFile)
    ? (JSON.parse(await readText(artifacts, `${key}/${exampleFile}`)) as unknown)
    : undefined
  return { onnx, signature, inputExample }
}

/**
 * An input example in any of MLflow's saved forms: a serving body (`{dataframe_split: …}`), a
 * bare split (`{columns, data}`), records, or named lists. @throws InvalidParameterError
 */
export function exampleTable(example: unknown, inputNames: readonly string[]): RawTable {
  if (Array.isArray(example)) return recordsTable(example, 'input example')
  if (typeof example !== 'object' || example === null) {
    throw new InvalidParameterError('The input example must be a JSON object or a list of records')
  }
  const keys = Object.keys(example)
  if (keys.some((k) => (MLFLOW_FORMATS as readonly string[]).includes(k))) {
    return parseMlflowJson(example, inputNames)
  }
  if (keys.includes('data')) return splitTable(example, 'input example')
  return columnsTable(example as Record<string, unknown>, 'input example')
}
