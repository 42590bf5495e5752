import type { ColumnType } from '../column-type.js'

/** A profile of one column. */
export interface ColumnProfile {
  readonly name: string
  readonly type: ColumnType
}

/** A profile of a whole dataset: one entry per column. */
export interface DatasetProfile {
  readonly rowCount: number
  readonly columns: ColumnProfile[]
}
