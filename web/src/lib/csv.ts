/**
 * Parses CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF) up to `maxRows` rows. A
 * preview needs no more, and stopping early keeps big files cheap.
 */
export function parseCsv(text: string, maxRows: number): { rows: string[][]; isComplete: boolean } {
  const delimiter = sniffDelimiter(text)
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  let isQuoted = false
  while (i < text.length) {
    const c = text[i]!
    if (isQuoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') isQuoted = false
      else field += c
      i++
      continue
    }
    if (c === '"' && field === '') isQuoted = true
    else if (c === delimiter) {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      row.push(field)
      rows.push(row)
      if (rows.length >= maxRows) return { rows, isComplete: false }
      row = []
      field = ''
      if (c === '\r' && text[i + 1] === '\n') i++
    } else field += c
    i++
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return { rows, isComplete: true }
}

/** Tab-separated files often carry a .csv name too: pick whichever the first line uses more. */
function sniffDelimiter(text: string): string {
  const end = text.indexOf('\n')
  const firstLine = text.slice(0, end < 0 ? 1000 : end)
  const tabs = firstLine.split('\t').length
  const commas = firstLine.split(',').length
  const semicolons = firstLine.split(';').length
  if (tabs > commas && tabs > semicolons) return '\t'
  return semicolons > commas ? ';' : ','
}
