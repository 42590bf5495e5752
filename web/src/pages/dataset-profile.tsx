import { CategoryBars, HistogramChart } from '../components/histogram-chart'
import type { ColumnProfile, DatasetVersion } from '../data-api'
import { formatNumber } from '../lib/format'
import { sketchQuantiles } from '../lib/kll'
import { runColor } from '../lib/theme'

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const

/** Every column of a version's profile: nulls, distinct values, and its distribution. */
export function DatasetProfile({ version }: { version: DatasetVersion }) {
  if (!version.profile) {
    return <p class="muted">This version has no profile (it could not be computed).</p>
  }
  return (
    <div class="profile-grid">
      {version.profile.columns.map((c) => (
        <ColumnCard key={c.name} column={c} rows={version.profile!.rowCount} />
      ))}
    </div>
  )
}

function ColumnCard({ column: c, rows }: { column: ColumnProfile; rows: number }) {
  return (
    <section class="card" aria-label={`Column ${c.name}`}>
      <h3>
        {c.name} <span class="badge">{c.type}</span>
      </h3>
      <p class="muted">
        {rows > 0 ? `${((c.nullCount / rows) * 100).toFixed(1)}% null` : 'no rows'}
        {c.distinctCount !== null && ` · ${c.distinctCount} distinct`}
        {c.numeric?.mean !== null && c.numeric && ` · mean ${formatNumber(c.numeric.mean)}`}
      </p>
      {c.numeric && (
        <>
          <HistogramChart
            title={c.name}
            series={[{ label: 'values', color: runColor(0), ...c.numeric.histogram }]}
          />
          <Quantiles column={c} />
        </>
      )}
      {c.categorical && (
        <CategoryBars
          series={[{ label: 'share', color: runColor(0), categories: c.categorical.categories }]}
        />
      )}
      {c.datetime && (
        <p class="mono">
          {c.datetime.min ?? '—'} → {c.datetime.max ?? '—'}
        </p>
      )}
    </section>
  )
}

function Quantiles({ column: c }: { column: ColumnProfile }) {
  const values = sketchQuantiles(c.numeric!.sketch, QUANTILES)
  return (
    <table class="table compact" aria-label={`Quantiles of ${c.name}`}>
      <thead>
        <tr>
          <th scope="col">min</th>
          {QUANTILES.map((q) => (
            <th key={q} scope="col">
              p{q * 100}
            </th>
          ))}
          <th scope="col">max</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td class="mono">{formatNumber(c.numeric!.min ?? undefined)}</td>
          {values.map((v, i) => (
            <td key={i} class="mono">
              {formatNumber(v)}
            </td>
          ))}
          <td class="mono">{formatNumber(c.numeric!.max ?? undefined)}</td>
        </tr>
      </tbody>
    </table>
  )
}
