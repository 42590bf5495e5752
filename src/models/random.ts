/** A seeded generator of uniform numbers in [0, 1) (mulberry32: small, fast, reproducible). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Shuffles in place (Fisher-Yates) and returns the array. */
export function shuffle(values: Uint32Array, random: () => number): Uint32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = values[i] ?? 0
    values[i] = values[j] ?? 0
    values[j] = swap
  }
  return values
}

/** Row indices of a train/validation split; both ascending. */
export interface RowSplit {
  /** Rows to fit on. */
  readonly train: Uint32Array
  /** Held-out rows (empty when the fraction is 0). */
  readonly validation: Uint32Array
}

/**
 * Holds out `fraction` of the rows, at random for a seed. With `strata` (a class index per row)
 * each class is split on its own, so both parts keep the class proportions.
 */
export function splitRows(
  rowCount: number,
  fraction: number,
  seed: number,
  strata?: Uint32Array,
): RowSplit {
  const all = Uint32Array.from({ length: rowCount }, (_, i) => i)
  if (fraction <= 0) return { train: all, validation: new Uint32Array(0) }
  const random = createRandom(seed)
  const groups = new Map<number, number[]>()
  for (let row = 0; row < rowCount; row++) {
    const key = strata?.[row] ?? 0
    const group = groups.get(key) ?? []
    group.push(row)
    groups.set(key, group)
  }
  const held: number[] = []
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = shuffle(Uint32Array.from(groups.get(key) ?? []), random)
    held.push(...rows.subarray(0, Math.round(rows.length * fraction)))
  }
  const isHeld = new Uint8Array(rowCount)
  for (const row of held) isHeld[row] = 1
  return {
    train: all.filter((row) => isHeld[row] === 0),
    validation: all.filter((row) => isHeld[row] === 1),
  }
}
