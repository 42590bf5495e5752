/** A DuckDB identifier, quoted so any column name (spaces, quotes, keywords) is safe. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A DuckDB string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** A finite number as a DuckDB DOUBLE literal. */
export function numberLiteral(value: number): string {
  return `${value}::DOUBLE`
}
