import type { Readable } from 'node:stream'
import { readModelPackage, type ModelPackage } from '../models/index.js'
import { InvalidParameterError } from '../shared/errors.js'
import type { ArtifactStore } from '../store/index.js'
import { artifactKeyOf } from '../tracking/index.js'
import { parseMlflowJson, MLFLOW_FORMATS } from './mlflow-request.js'
import { columnsTable, recordsTable, splitTable, type RawTable } from './raw-table.js'

export type { ModelPackage } from '../models/index.js'

// Side files (MLmodel, signature, input example) are parsed whole: bound what one may cost.
const MAX_SIDE_FILE_BYTES = 10 * 1024 * 1024

async function readAll(stream: Readable, name: string, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > limit) throw new InvalidParameterError(`${name} is larger than ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * Reads a version's package from the artifact store with the models context's reader: a folder
 * (ONNX graph, MLmodel or `signature.json`, input example, `lathe.json`), or a bare `.onnx` file.
 * @throws InvalidParameterError when no model can be found or a side file is malformed
 */
export async function readVersionPackage(
  artifacts: ArtifactStore,
  storageLocation: string,
): Promise<ModelPackage> {
  const key = artifactKeyOf(storageLocation)
  if (key.endsWith('.onnx')) {
    const onnx = await readAll(await artifacts.get(key), key)
    return { onnx, signature: undefined, inputExample: undefined, manifest: undefined }
  }
  return readModelPackage(
    {
      list: async () =>
        (await artifacts.list(key)).filter((e) => !e.isDir).map((e) => e.key.slice(key.length + 1)),
      read: async (name) =>
        readAll(
          await artifacts.get(`${key}/${name}`),
          `${key}/${name}`,
          name.endsWith('.onnx') ? Infinity : MAX_SIDE_FILE_BYTES,
        ),
    },
    key,
  )
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
