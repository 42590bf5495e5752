/** Label names and values of one sample. */
export type Labels = Readonly<Record<string, string | number>>

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

/** Writes the Prometheus text exposition format (version 0.0.4), one metric family at a time. */
export class PromText {
  readonly #lines: string[] = []

  /** Starts a family: its HELP and TYPE lines. */
  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.#lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
    this.#lines.push(`# TYPE ${name} ${type}`)
    return this
  }

  /** One sample line. */
  sample(name: string, labels: Labels, value: number): this {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escape(String(v))}"`)
    this.#lines.push(
      `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatValue(value)}`,
    )
    return this
  }

  /** A histogram's cumulative buckets (ending at +Inf), sum and count. */
  histogram(
    name: string,
    labels: Labels,
    bounds: readonly number[],
    counts: ArrayLike<number>,
    sum: number,
  ): this {
    let cumulative = 0
    bounds.forEach((bound, i) => {
      cumulative += counts[i] ?? 0
      this.sample(`${name}_bucket`, { ...labels, le: String(bound) }, cumulative)
    })
    cumulative += counts[bounds.length] ?? 0
    this.sample(`${name}_bucket`, { ...labels, le: '+Inf' }, cumulative)
    this.sample(`${name}_sum`, labels, sum)
    return this.sample(`${name}_count`, labels, cumulative)
  }

  toString(): string {
    return `${this.#lines.join('\n')}\n`
  }
}
