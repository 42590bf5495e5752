import { NumericSample } from '../../stats/index.js'
import { DataSession, retryWithFullSniff } from '../data-session.js'
import type { DataFormat } from '../data-format.js'
import { ident } from '../sql.js'
import { doubleBatches } from './double-columns.js'

/**
 * Every value of the named numerical columns of a file, held exactly (sorted) for the drift tests
 * that small samples deserve (Evidently runs exact KS below 1,000 rows). Memory is 16 bytes per
 * value: callers bound rows × columns.
 */
export async function readNumericSamples(
  path: string,
  format: DataFormat | undefined,
  columns: readonly string[],
): Promise<Map<string, NumericSample>> {
  const samples = new Map<string, NumericSample>()
  if (columns.length === 0) return samples
  const session = await DataSession.open()
  try {
    return await retryWithFullSniff(async (fullSniff) => {
      const table = await session.register('data', path, { format, fullSniff })
      const select = columns.map((c) => `coalesce(${ident(c)}::DOUBLE, 'NaN'::DOUBLE)`)
      const parts: Float64Array[][] = columns.map(() => [])
      for await (const batch of doubleBatches(
        session,
        `SELECT ${select.join(', ')} FROM ${ident(table.view)}`,
        columns.length,
      )) {
        batch.forEach((values, k) => parts[k]?.push(values.slice()))
      }
      columns.forEach((name, k) => samples.set(name, NumericSample.of(concat(parts[k] ?? []))))
      return samples
    })
  } finally {
    await session.close()
  }
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
