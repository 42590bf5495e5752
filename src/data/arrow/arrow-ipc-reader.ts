import { open, type FileHandle } from 'node:fs/promises'
import { InvalidParameterError } from '../../shared/errors.js'
import { decodeArray, type ArrowValue, type BodyRegion } from './arrow-columns.js'
import { readSchema, type ArrowField } from './arrow-schema.js'
import { FlatTable } from './flat-table.js'

/** One record batch: `length` rows, one value array per field. */
export interface ArrowBatch {
  readonly length: number
  readonly columns: ArrowValue[][]
}

const MAGIC = 'ARROW1'
const CONTINUATION = 0xffffffff
// Message header union codes (Message.fbs).
const SCHEMA = 1
const DICTIONARY_BATCH = 2
const RECORD_BATCH = 3

/**
 * Reads an Arrow IPC file (`ARROW1` magic) or stream message by message, so only one record
 * batch is in memory at a time. Uncompressed little-endian bodies only.
 */
export class ArrowIpcReader {
  #position: number
  readonly #dictionaries = new Map<number, ArrowValue[]>()

  private constructor(
    private readonly handle: FileHandle,
    private readonly end: number,
    start: number,
    readonly fields: ArrowField[],
  ) {
    this.#position = start
  }

  /** Opens `path` and reads its schema. @throws InvalidParameterError when it is not Arrow IPC. */
  static async open(path: string): Promise<ArrowIpcReader> {
    const handle = await open(path, 'r')
    try {
      const { size } = await handle.stat()
      const head = await readExactly(handle, 0, Math.min(8, size))
      if (Buffer.from(head).toString('latin1', 0, 6) === MAGIC) {
        // The file format keeps its schema in the footer (writers need not repeat it up front).
        const footer = await readFooter(handle, size)
        const schema = footer.table.table(1)
        if (!schema) throw new InvalidParameterError('The Arrow file footer has no schema')
        return new ArrowIpcReader(handle, footer.start, 8, readSchema(schema))
      }
      const reader = new ArrowIpcReader(handle, size, 0, [])
      const first = await reader.#nextMessage()
      if (!first || first.type !== SCHEMA) {
        throw new InvalidParameterError('It does not start with an Arrow schema message')
      }
      return new ArrowIpcReader(handle, size, reader.#position, readSchema(first.header))
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** The record batches in file order, dictionaries resolved. */
  async *batches(): AsyncGenerator<ArrowBatch> {
    for (;;) {
      const message = await this.#nextMessage()
      if (!message) return
      // A schema message repeated in a file's body says nothing the footer did not.
      if (message.type === DICTIONARY_BATCH) this.#readDictionary(message.header, message.body)
      else if (message.type === RECORD_BATCH) yield this.#readBatch(message.header, message.body)
    }
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  #readDictionary(header: FlatTable, body: DataView): void {
    const id = header.int64(0)
    const field = this.fields.find((f) => f.dictionary?.id === id)
    const data = header.table(1)
    if (!field || !data) throw new InvalidParameterError(`Dictionary batch ${id} matches no column`)
    const [values = []] = decodeBatch(data, body, [field.type]).columns
    const previous = header.bool(2) ? (this.#dictionaries.get(id) ?? []) : []
    this.#dictionaries.set(id, [...previous, ...values])
  }

  #readBatch(header: FlatTable, body: DataView): ArrowBatch {
    const types = this.fields.map((f) => f.dictionary?.indexType ?? f.type)
    const batch = decodeBatch(header, body, types)
    const columns = batch.columns.map((values, i) => {
      const dictionary = this.fields[i]?.dictionary
      if (!dictionary) return values
      const lookup = this.#dictionaries.get(dictionary.id) ?? []
      return values.map((index) => (index === null ? null : (lookup[Number(index)] ?? null)))
    })
    return { length: batch.length, columns }
  }

  /** The next message, or undefined at the end-of-stream marker or the end of the data. */
  async #nextMessage(): Promise<{ type: number; header: FlatTable; body: DataView } | undefined> {
    if (this.#position + 4 > this.end) return undefined
    let length = await this.#uint32()
    if (length === CONTINUATION) length = await this.#uint32()
    if (length === 0) return undefined
    const message = FlatTable.root(await this.#take(length))
    const header = message.table(2)
    if (!header) throw new InvalidParameterError('An Arrow message has no header')
    const bytes = await this.#take(message.int64(3))
    const body = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return { type: message.uint8(1), header, body }
  }

  async #uint32(): Promise<number> {
    const bytes = await this.#take(4)
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)
  }

  async #take(length: number): Promise<Uint8Array> {
    if (length < 0 || this.#position + length > this.end) throw truncated()
    const bytes = await readExactly(this.handle, this.#position, length)
    this.#position += length
    return bytes
  }
}

/** Decodes the arrays of a `RecordBatch` table, one per type. */
function decodeBatch(header: FlatTable, body: DataView, types: ArrowField['type'][]): ArrowBatch {
  if (header.table(3)) {
    throw new InvalidParameterError('Compressed Arrow record batches (LZ4/ZSTD) are not supported')
  }
  const length = header.int64(0)
  const nodes = header.int64Structs(1, 2)
  const buffers = header.int64Structs(2, 2)
  let nextBuffer = 0
  const next = (): BodyRegion => {
    const [offset = 0, size = 0] = buffers[nextBuffer++] ?? []
    if (offset + size > body.byteLength) throw truncated()
    return { offset, length: size }
  }
  const columns = types.map((type, i) => {
    const [nodeLength = 0, nullCount = 0] = nodes[i] ?? []
    return decodeArray(type, { length: nodeLength, nullCount, body, nextBuffer: next })
  })
  return { length, columns }
}

/** The footer of an Arrow file (found through the trailing magic) and where it starts. */
async function readFooter(
  handle: FileHandle,
  size: number,
): Promise<{ table: FlatTable; start: number }> {
  if (size < 18) throw truncated()
  const tail = Buffer.from(await readExactly(handle, size - 10, 10))
  if (tail.toString('latin1', 4) !== MAGIC) throw truncated()
  const footerLength = tail.readInt32LE(0)
  const start = size - 10 - footerLength
  if (footerLength <= 0 || start < 8) throw truncated()
  return { table: FlatTable.root(await readExactly(handle, start, footerLength)), start }
}

async function readExactly(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await handle.read(buffer, 0, length, position)
  if (bytesRead < length) throw truncated()
  return buffer
}

function truncated(): InvalidParameterError {
  return new InvalidParameterError('The Arrow data is truncated (it ends before its last message)')
}
