import { open } from 'node:fs/promises'
import { InvalidParameterError } from '../shared/errors.js'

/** The file formats datasets are read from. */
export const DATA_FORMATS = ['csv', 'parquet', 'jsonl', 'arrow'] as const
export type DataFormat = (typeof DATA_FORMATS)[number]

const BY_EXTENSION: Readonly<Record<string, DataFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'jsonl',
  arrow: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
  arrows: 'arrow',
}

/** The format named by a file's extension (`.csv.gz` counts as `.csv`), if any. */
export function formatOfPath(path: string): DataFormat | undefined {
  const name = path.toLowerCase().replace(/\.(gz|zst)$/, '')
  const dot = name.lastIndexOf('.')
  return dot < 0 ? undefined : BY_EXTENSION[name.slice(dot + 1)]
}

/** The format a file's first bytes show; text that is not JSON is taken for CSV. */
export function formatOfBytes(head: Uint8Array): DataFormat {
  const text = Buffer.from(head).toString('latin1')
  if (text.startsWith('PAR1')) return 'parquet'
  if (text.startsWith('ARROW1')) return 'arrow'
  // An Arrow IPC stream starts with a continuation marker (0xFFFFFFFF).
  if (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return 'arrow'
  const first = text.trimStart()[0]
  return first === '{' || first === '[' ? 'jsonl' : 'csv'
}

/** Parses a user-given format name. @throws InvalidParameterError naming the allowed ones. */
export function parseFormat(name: string): DataFormat {
  const format = DATA_FORMATS.find((f) => f === name.toLowerCase())
  if (!format) {
    throw new InvalidParameterError(
      `Unknown data format '${name}'; allowed: ${DATA_FORMATS.join(', ')}`,
    )
  }
  return format
}

/** The format of the file at `path`: its extension, else its first bytes. */
export async function detectFormat(path: string): Promise<DataFormat> {
  const byName = formatOfPath(path)
  if (byName) return byName
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(16)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return formatOfBytes(head.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}
