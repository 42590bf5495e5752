import type * as ort from 'onnxruntime-node'
import type { ModelOutputs } from './prediction-output.js'

/** How a shadow version's answers compared with the primary's, so far. */
export interface ShadowSummaryJson {
  readonly version: number
  /** Shadow calls that finished, and rows compared. */
  readonly calls: number
  readonly comparedRows: number
  /** For class outputs: rows where both gave the same label, and their share. */
  readonly agreedRows: number
  readonly agreement: number | null
  /** For value outputs: mean and largest absolute difference per element. */
  readonly meanAbsDifference: number | null
  readonly maxAbsDifference: number | null
  readonly errors: number
  readonly timeouts: number
  /** Requests not copied because too many shadow calls were in flight. */
  readonly dropped: number
}

function isValues(tensor: ort.Tensor): boolean {
  return tensor.type === 'float32' || tensor.type === 'float64'
}

/** Compares the shadow's first output with the primary's, row by row. */
export class ShadowSummary {
  calls = 0
  comparedRows = 0
  agreedRows = 0
  differences = 0
  sumAbsDifference = 0
  maxAbsDifference = 0
  errors = 0
  timeouts = 0
  dropped = 0

  constructor(readonly version: number) {}

  compare(primary: ModelOutputs, shadow: ModelOutputs): void {
    this.calls++
    const [name, a] = [...primary][0] ?? []
    const b = name === undefined ? undefined : shadow.get(name)
    if (!a || !b || a.data.length !== b.data.length) return
    const rows = a.dims[0] ?? a.data.length
    this.comparedRows += rows
    const x = a.data as ArrayLike<unknown>
    const y = b.data as ArrayLike<unknown>
    if (isValues(a) && isValues(b)) {
      for (let i = 0; i < x.length; i++) {
        const d = Math.abs((x[i] as number) - (y[i] as number))
        if (!Number.isFinite(d)) continue
        this.differences++
        this.sumAbsDifference += d
        this.maxAbsDifference = Math.max(this.maxAbsDifference, d)
      }
      return
    }
    const width = x.length / Math.max(rows, 1)
    for (let r = 0; r < rows; r++) {
      let same = true
      for (let k = r * width; k < (r + 1) * width && same; k++) same = x[k] === y[k]
      if (same) this.agreedRows++
    }
  }

  toJSON(): ShadowSummaryJson {
    const values = this.differences > 0
    const classes = this.comparedRows > 0 && !values
    return {
      version: this.version,
      calls: this.calls,
      comparedRows: this.comparedRows,
      agreedRows: this.agreedRows,
      agreement: classes ? this.agreedRows / this.comparedRows : null,
      meanAbsDifference: values ? this.sumAbsDifference / this.differences : null,
      maxAbsDifference: values ? this.maxAbsDifference : null,
      errors: this.errors,
      timeouts: this.timeouts,
      dropped: this.dropped,
    }
  }
}
