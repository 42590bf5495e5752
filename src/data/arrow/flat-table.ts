import { InvalidParameterError } from '../../shared/errors.js'

/**
 * A read-only view of one FlatBuffers table: just enough of the format to read Arrow IPC
 * metadata (the `Message`, `Schema` and `RecordBatch` tables) without a code generator.
 * Fields are addressed by slot: the declaration index in the `.fbs` file, a union taking two.
 */
export class FlatTable {
  constructor(
    private readonly view: DataView,
    private readonly position: number,
  ) {}

  /** The root table of a FlatBuffers buffer. */
  static root(bytes: Uint8Array): FlatTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return new FlatTable(view, checked(view, 0, 4).getUint32(0, true))
  }

  uint8(slot: number, fallback = 0): number {
    const at = this.#field(slot)
    return at === undefined ? fallback : this.view.getUint8(at)
  }

  bool(slot: number, fallback = false): boolean {
    const at = this.#field(slot)
    return at === undefined ? fallback : this.view.getUint8(at) !== 0
  }

  int16(slot: number, fallback = 0): number {
    const at = this.#field(slot)
    return at === undefined ? fallback : this.view.getInt16(at, true)
  }

  int32(slot: number, fallback = 0): number {
    const at = this.#field(slot)
    return at === undefined ? fallback : this.view.getInt32(at, true)
  }

  /** An int64 field as a number (lengths and offsets stay far below 2^53). */
  int64(slot: number, fallback = 0): number {
    const at = this.#field(slot)
    return at === undefined ? fallback : Number(this.view.getBigInt64(at, true))
  }

  table(slot: number): FlatTable | undefined {
    const at = this.#field(slot)
    return at === undefined ? undefined : new FlatTable(this.view, this.#follow(at))
  }

  string(slot: number): string | undefined {
    const at = this.#field(slot)
    if (at === undefined) return undefined
    const start = this.#follow(at)
    const length = this.view.getUint32(start, true)
    checked(this.view, start + 4, length)
    return new TextDecoder().decode(
      new Uint8Array(this.view.buffer, this.view.byteOffset + start + 4, length),
    )
  }

  /** A vector of tables. */
  tables(slot: number): FlatTable[] {
    const vector = this.#vector(slot, 4)
    if (!vector) return []
    return Array.from({ length: vector.length }, (_, i) => {
      const at = vector.start + i * 4
      return new FlatTable(this.view, this.#follow(at))
    })
  }

  /** A vector of structs made of int64 fields, `width` of them per struct, as numbers. */
  int64Structs(slot: number, width: number): number[][] {
    const vector = this.#vector(slot, width * 8)
    if (!vector) return []
    return Array.from({ length: vector.length }, (_, i) =>
      Array.from({ length: width }, (_, j) =>
        Number(this.view.getBigInt64(vector.start + (i * width + j) * 8, true)),
      ),
    )
  }

  #vector(slot: number, itemBytes: number): { start: number; length: number } | undefined {
    const at = this.#field(slot)
    if (at === undefined) return undefined
    const start = this.#follow(at)
    const length = this.view.getUint32(start, true)
    checked(this.view, start + 4, length * itemBytes)
    return { start: start + 4, length }
  }

  /** The absolute position of a field's value, or undefined when the field is absent. */
  #field(slot: number): number | undefined {
    const vtable = this.position - this.view.getInt32(this.position, true)
    const vtableSize = this.view.getUint16(vtable, true)
    const entry = 4 + slot * 2
    if (entry >= vtableSize) return undefined
    const offset = this.view.getUint16(vtable + entry, true)
    return offset === 0 ? undefined : this.position + offset
  }

  #follow(at: number): number {
    return at + this.view.getUint32(at, true)
  }
}

function checked(view: DataView, start: number, length: number): DataView {
  if (start < 0 || start + length > view.byteLength) {
    throw new InvalidParameterError('Arrow metadata is corrupt: an offset points past its end')
  }
  return view
}
