import { formatNumber } from '../lib/format'

/** One distribution to draw: bin edges and counts (k + 1 edges, k counts). */
export interface HistogramSeries {
  readonly label: string
  readonly color: string
  readonly edges: readonly number[]
  readonly counts: readonly number[]
}

const W = 320
const H = 120
const PAD_BOTTOM = 18

/**
 * Histograms as SVG, overlaid on one value axis. Each is drawn as a density (share of its
 * values per unit of x) so that two samples of different sizes and bins compare by shape.
 */
export function HistogramChart({
  title,
  series,
}: {
  title: string
  series: readonly HistogramSeries[]
}) {
  const drawn = series.filter((s) => s.edges.length > 1)
  if (drawn.length === 0) return <p class="muted">No finite values to draw.</p>
  const lo = Math.min(...drawn.map((s) => s.edges[0]!))
  const hi = Math.max(...drawn.map((s) => s.edges.at(-1)!))
  const span = hi - lo || 1
  const densities = drawn.map((s) => {
    const total = s.counts.reduce((a, b) => a + b, 0) || 1
    return s.counts.map((c, i) => c / total / Math.max(s.edges[i + 1]! - s.edges[i]!, span / 1e6))
  })
  const top = Math.max(...densities.flat(), 1e-12)
  const x = (v: number) => ((v - lo) / span) * W
  const plotH = H - PAD_BOTTOM
  return (
    <figure class="histogram">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Histogram of ${title}: ${drawn.map((s) => s.label).join(' and ')}`}
        preserveAspectRatio="none"
      >
        {drawn.map((s, k) =>
          densities[k]!.map((d, i) => (
            <rect
              key={`${k}-${i}`}
              x={x(s.edges[i]!)}
              y={plotH - (d / top) * plotH}
              width={Math.max(x(s.edges[i + 1]!) - x(s.edges[i]!) - 0.5, 0.5)}
              height={(d / top) * plotH}
              fill={s.color}
              fill-opacity={drawn.length > 1 ? 0.45 : 0.8}
            >
              <title>{`${s.label}: [${formatNumber(s.edges[i])}, ${formatNumber(s.edges[i + 1])}) ${s.counts[i]}`}</title>
            </rect>
          )),
        )}
        <line x1={0} x2={W} y1={plotH} y2={plotH} class="axis-line" />
        <text x={0} y={H - 4} class="axis-text">
          {formatNumber(lo)}
        </text>
        <text x={W} y={H - 4} class="axis-text" text-anchor="end">
          {formatNumber(hi)}
        </text>
      </svg>
      {drawn.length > 1 && <Legend items={drawn} />}
    </figure>
  )
}

/** Category shares as horizontal bars, one bar per series for each category. */
export function CategoryBars({
  series,
  limit = 10,
}: {
  series: readonly {
    label: string
    color: string
    categories: readonly [string | number | boolean, number][]
  }[]
  limit?: number
}) {
  const totals = series.map((s) => s.categories.reduce((a, [, c]) => a + c, 0) || 1)
  const names = [...new Set(series.flatMap((s) => s.categories.map(([c]) => String(c))))].slice(
    0,
    limit,
  )
  return (
    <figure class="category-bars">
      <table class="table compact">
        <tbody>
          {names.map((name) => (
            <tr key={name}>
              <th scope="row" class="clip">
                {name}
              </th>
              <td class="bar-cell">
                {series.map((s, k) => {
                  const count = s.categories.find(([c]) => String(c) === name)?.[1] ?? 0
                  const share = count / totals[k]!
                  return (
                    <div key={s.label} class="bar-row" title={`${s.label}: ${count}`}>
                      <span class="bar" style={{ width: `${share * 100}%`, background: s.color }} />
                      <span class="bar-value">{(share * 100).toFixed(1)}%</span>
                    </div>
                  )
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {series.length > 1 && <Legend items={series} />}
    </figure>
  )
}

function Legend({ items }: { items: readonly { label: string; color: string }[] }) {
  return (
    <figcaption class="legend-list">
      {items.map((s) => (
        <span key={s.label}>
          <span class="swatch" style={{ background: s.color }} /> {s.label}
        </span>
      ))}
    </figcaption>
  )
}
