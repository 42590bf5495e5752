import type { ColumnInfo } from './column-type.js'
import type { DataFormat } from './data-format.js'
import { DataSession, retryWithFullSniff } from './data-session.js'
import type { DatasetProfile } from './profile/dataset-profile.js'
import { histogramEdges, profileTable, type ProfileOptions } from './profile/profile-table.js'

/** What reading a file tells about it. */
export interface DatasetReading {
  readonly format: DataFormat
  readonly columns: ColumnInfo[]
  readonly rowCount: number
  readonly profile: DatasetProfile
}

/** Reads a file through DuckDB in a session of its own: format, columns, row count and profile. */
export async function readDataset(
  path: string,
  format?: DataFormat,
  options: ProfileOptions = {},
): Promise<DatasetReading> {
  const session = await DataSession.open()
  try {
    return await retryWithFullSniff(async (fullSniff) => {
      const table = await session.register('data', path, { format, fullSniff })
      const profile = await profileTable(session, table, options)
      return {
        format: table.format,
        columns: [...table.columns],
        rowCount: profile.rowCount,
        profile,
      }
    })
  } finally {
    await session.close()
  }
}

/** The histogram edges a profile of the file would have, from one pass of aggregates. */
export async function readHistogramEdges(
  path: string,
  format?: DataFormat,
): Promise<Record<string, readonly number[]>> {
  const session = await DataSession.open()
  try {
    return await retryWithFullSniff(async (fullSniff) =>
      histogramEdges(session, await session.register('data', path, { format, fullSniff })),
    )
  } finally {
    await session.close()
  }
}
