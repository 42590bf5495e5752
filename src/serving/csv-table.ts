import { InvalidParameterError } from '../shared/errors.js'
import type { RawTable } from './raw-table.js'

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') field += text[++i]
      else quoted = false
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (quoted) throw new InvalidParameterError('The CSV body has an unterminated quoted field')
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows.filter((r) => r.length > 1 || r[0] !== '')
}

/**
 * A CSV body (header row first) as a table of text values, parsed by column type when fed.
 * @throws InvalidParameterError for a missing header, a duplicate column or a ragged row
 */
export function csvTable(text: string): RawTable {
  const [header, ...rows] = parseCsv(text)
  if (!header) throw new InvalidParameterError('The CSV body is empty; it needs a header row')
  const index = new Map<string, number>()
  header.forEach((name, i) => {
    if (index.has(name)) throw new InvalidParameterError(`The CSV header repeats column '${name}'`)
    index.set(name, i)
  })
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new InvalidParameterError(
        `CSV row ${i + 1} has ${row.length} fields but the header has ${header.length}`,
      )
    }
  })
  return {
    rows: rows.length,
    textual: true,
    column(name) {
      const at = index.get(name)
      return at === undefined ? undefined : (row) => rows[row]![at]
    },
    names: () => [...header],
  }
}
