import Table from 'cli-table3'

/** One benchmark figure, optionally with its baseline and the ratio figure/baseline. */
export interface Figure {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly baseline?: { name: string; value: number } | undefined
  readonly target?: string | undefined
}

function fmt(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US')
  return value.toPrecision(3)
}

/** Prints figures as a table: value, baseline, ratio, target. */
export function printFigures(title: string, figures: readonly Figure[]): void {
  const table = new Table({
    head: ['figure', 'value', 'baseline', 'ratio', 'target'],
    style: { head: ['cyan'] },
  })
  for (const f of figures) {
    table.push([
      f.name,
      `${fmt(f.value)} ${f.unit}`,
      f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.name})` : '',
      f.baseline ? `${(f.value / f.baseline.value).toFixed(2)}x` : '',
      f.target ?? '',
    ])
  }
  console.log(`\n${title}`)
  console.log(table.toString())
}

/** The p-th percentile (0-100) of samples, by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}
