import type { ColumnInfo } from './column-type.js'
import type { DataFormat } from './data-format.js'
import { DataSession } from './data-session.js'
import type { DatasetProfile } from './profile/dataset-profile.js'

/** What reading a file tells about it. */
export interface DatasetReading {
  readonly format: DataFormat
  readonly columns: ColumnInfo[]
  readonly rowCount: number
  readonly profile: DatasetProfile | null
}

/** Reads a file through DuckDB: format, columns, row count and profile. */
export async function readDataset(path: string, format?: DataFormat): Promise<DatasetReading> {
  const session = await DataSession.open()
  try {
    const table = await session.register('data', path, { format })
    const [row] = await session.rows(`SELECT count(*) AS n FROM "data"`)
    const rowCount = Number(row?.n ?? 0)
    return { format: table.format, columns: [...table.columns], rowCount, profile: null }
  } finally {
    await session.close()
  }
}
