import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { InvalidParameterError } from '../shared/errors.js'
import { fromMlflowSignature, toMlflowSignature, type ModelSignature } from './signature.js'

/** Lathe's own manifest of a logged model (`lathe.json`): what MLmodel has no field for. */
export interface ModelManifest {
  /** Bumped when the layout changes incompatibly. */
  readonly formatVersion: 1
  readonly flavor: 'onnx'
  /** The ONNX file, relative to the package folder. */
  readonly modelFile: string
  /** The tracking run that logged it. */
  readonly runId?: string | undefined
  /** The label column it was trained to predict: the default target of evaluations. */
  readonly target?: string | undefined
  /** The dataset versions it was trained on. */
  readonly datasets: readonly { readonly name: string; readonly digest: string }[]
  /** Final metrics of the model, as the trainer or the logger measured them. */
  readonly metrics: Readonly<Record<string, number>>
}

/** A model package in memory: the ONNX graph and what describes it. */
export interface ModelPackage {
  readonly onnx: Uint8Array
  /** The declared signature (MLmodel `signature`, else `signature.json`), when there is one. */
  readonly signature: ModelSignature | undefined
  /** The saved input example, raw (MLflow writes several shapes). */
  readonly inputExample: unknown
  /** Lathe's manifest, absent from packages written by other tools. */
  readonly manifest: ModelManifest | undefined
}

/** What to write: the graph, its signature and example, and the facts of the manifest. */
export interface NewModelPackage extends Omit<
  ModelManifest,
  'formatVersion' | 'flavor' | 'modelFile'
> {
  readonly onnx: Uint8Array
  readonly signature: ModelSignature
  /** Example rows of the inputs, as records. */
  readonly inputExample?: readonly Readonly<Record<string, unknown>>[] | undefined
  /** Time written into MLmodel's `utc_time_created`. */
  readonly createdAtMs: number
}

/** The files of a package folder, by name relative to it. */
export interface PackageFiles {
  /** Names of the files in the folder (recursively, `/`-separated). */
  list(): Promise<string[]>
  /** The bytes of one file. */
  read(name: string): Promise<Uint8Array>
}

const MODEL_FILE = 'model.onnx'
const EXAMPLE_FILE = 'input_example.json'
const MANIFEST_FILE = 'lathe.json'

/**
 * The files of a package folder: `model.onnx`, an `MLmodel` (flavors `onnx` and
 * `python_function`, signature, input example info) so MLflow tools recognise it, the input
 * example in pandas' `split` orient, and Lathe's `lathe.json` manifest.
 * @throws InvalidParameterError when the signature mixes column and tensor specs
 */
export function writeModelPackage(input: NewModelPackage): Map<string, Uint8Array> {
  const manifest: ModelManifest = {
    formatVersion: 1,
    flavor: 'onnx',
    modelFile: MODEL_FILE,
    runId: input.runId,
    target: input.target,
    datasets: input.datasets,
    metrics: input.metrics,
  }
  const example = input.inputExample
  const columns = [...new Set(example?.flatMap((row) => Object.keys(row)) ?? [])]
  const mlmodel = {
    artifact_path: 'model',
    flavors: {
      onnx: { code: null, data: MODEL_FILE, providers: ['CPUExecutionProvider'] },
      python_function: { loader_module: 'mlflow.onnx', data: MODEL_FILE },
    },
    ...(input.runId ? { run_id: input.runId } : {}),
    signature: { ...toMlflowSignature(input.signature), params: null },
    ...(example
      ? {
          saved_input_example_info: {
            artifact_path: EXAMPLE_FILE,
            type: 'dataframe',
            pandas_orient: 'split',
          },
        }
      : {}),
    utc_time_created: new Date(input.createdAtMs).toISOString().replace('T', ' ').slice(0, -1),
  }
  const text = (value: string) => new TextEncoder().encode(value)
  const files = new Map<string, Uint8Array>([
    [MODEL_FILE, input.onnx],
    ['MLmodel', text(stringifyYaml(mlmodel))],
    [MANIFEST_FILE, text(JSON.stringify(manifest, null, 2))],
  ])
  if (example) {
    const data = example.map((row) => columns.map((c) => row[c] ?? null))
    files.set(EXAMPLE_FILE, text(JSON.stringify({ columns, data })))
  }
  return files
}

/**
 * Reads a package folder written by Lathe, by MLflow (`MLmodel` with an onnx flavor) or by hand
 * (one `.onnx` file, optionally `signature.json` and `input_example.json`).
 * @throws InvalidParameterError naming the file when no model is found or a side file is malformed
 */
export async function readModelPackage(files: PackageFiles, where: string): Promise<ModelPackage> {
  const names = new Set(await files.list())
  const text = async (name: string) => new TextDecoder().decode(await files.read(name))
  const json = async (name: string): Promise<unknown> => {
    try {
      return JSON.parse(await text(name)) as unknown
    } catch (cause) {
      throw new InvalidParameterError(`${where}/${name} is not valid JSON`, { cause })
    }
  }
  const mlmodel = names.has('MLmodel') ? readMlmodel(await text('MLmodel'), where) : {}
  const manifest = names.has(MANIFEST_FILE)
    ? readManifest(await json(MANIFEST_FILE), where)
    : undefined
  const onnxFile = pickOnnx(names, mlmodel.onnxFile ?? manifest?.modelFile, where)
  let signature = readSignature(mlmodel.signature, `${where}/MLmodel`)
  if (signature === undefined && names.has('signature.json')) {
    signature = readSignature(await json('signature.json'), `${where}/signature.json`)
  }
  const exampleFile = mlmodel.exampleFile ?? EXAMPLE_FILE
  return {
    onnx: await files.read(onnxFile),
    signature,
    inputExample: names.has(exampleFile) ? await json(exampleFile) : undefined,
    manifest,
  }
}

interface MlmodelFacts {
  readonly onnxFile?: string | undefined
  readonly exampleFile?: string | undefined
  readonly signature?: unknown
}

function readMlmodel(text: string, where: string): MlmodelFacts {
  let doc: Record<string, unknown>
  try {
    doc = (parseYaml(text) ?? {}) as Record<string, unknown>
  } catch (cause) {
    throw new InvalidParameterError(`${where}/MLmodel is not valid YAML`, { cause })
  }
  const onnx = (doc.flavors as { onnx?: { data?: unknown } } | undefined)?.onnx?.data
  const example = (doc.saved_input_example_info as { artifact_path?: unknown } | undefined)
    ?.artifact_path
  return {
    onnxFile: typeof onnx === 'string' ? onnx : undefined,
    exampleFile: typeof example === 'string' ? example : undefined,
    signature: doc.signature,
  }
}

function readManifest(value: unknown, where: string): ModelManifest {
  const doc = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  if (doc.formatVersion !== 1 || typeof doc.modelFile !== 'string') {
    throw new InvalidParameterError(
      `${where}/${MANIFEST_FILE} is not a Lathe model manifest (formatVersion 1, modelFile)`,
    )
  }
  return {
    formatVersion: 1,
    flavor: 'onnx',
    modelFile: doc.modelFile,
    runId: typeof doc.runId === 'string' ? doc.runId : undefined,
    target: typeof doc.target === 'string' ? doc.target : undefined,
    datasets: Array.isArray(doc.datasets) ? (doc.datasets as ModelManifest['datasets']) : [],
    metrics: (doc.metrics ?? {}) as ModelManifest['metrics'],
  }
}

/** Our trainers once wrote tensor specs flat (`{type: 'tensor', dtype, shape}`); MLflow nests them. */
function nestTensorSpecs(value: unknown): unknown {
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
      inputs: nestTensorSpecs(raw.inputs),
      outputs: nestTensorSpecs(raw.outputs),
    })
  } catch (err) {
    throw new InvalidParameterError(`${file}: ${(err as Error).message}`, { cause: err })
  }
}

function pickOnnx(names: Set<string>, declared: string | undefined, where: string): string {
  if (declared !== undefined && names.has(declared)) return declared
  if (names.has(MODEL_FILE)) return MODEL_FILE
  const onnx = [...names].filter((n) => n.endsWith('.onnx'))
  if (onnx.length === 1) return onnx[0]!
  throw new InvalidParameterError(
    `${where} holds ${onnx.length === 0 ? 'no' : 'several'} .onnx files; a model package needs exactly one, or MLmodel flavors.onnx.data naming it`,
  )
}
