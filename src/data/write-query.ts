import { DataSession } from './data-session.js'
import type { DataFormat } from './data-format.js'
import { literal } from './sql.js'

const COPY_OPTIONS: Readonly<Record<Exclude<DataFormat, 'arrow'>, string>> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet',
  jsonl: 'FORMAT json',
}

/**
 * Writes the result of a DuckDB query to a file, without passing rows through JS: how tests and
 * benchmarks generate data (`SELECT range AS id, random() AS x FROM range(1000000)`). `setup`
 * statements run first (`SELECT setseed(0.42)` makes `random()` repeatable).
 */
export async function writeQuery(
  sql: string,
  path: string,
  format: Exclude<DataFormat, 'arrow'>,
  setup: readonly string[] = [],
): Promise<void> {
  const session = await DataSession.open()
  try {
    for (const statement of setup) await session.rows(statement)
    await session.rows(`COPY (${sql}) TO ${literal(path)} (${COPY_OPTIONS[format]})`)
  } finally {
    await session.close()
  }
}
