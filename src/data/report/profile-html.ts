import type { DatasetProfile } from '../profile/dataset-profile.js'
import { summarizeColumn } from '../profile/column-summary.js'
import { categoryBars, escapeHtml, histogramOverlay } from './svg-plots.js'

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}
.muted{color:#888}.grid{display:flex;flex-wrap:wrap;gap:1.5rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem}.card h3{margin:.2rem 0 .4rem;font-size:1rem}`

/** A self-contained HTML profile: a summary row per column and its distribution as inline SVG. */
export function profileHtml(profile: DatasetProfile, source: string): string {
  const rows = profile.columns.map((column) => {
    const s = summarizeColumn(column, profile.rowCount)
    const cells = [
      column.name,
      column.type,
      s.nullFraction,
      s.distinct,
      s.min,
      s.p50,
      s.max,
      s.mean,
      s.std,
      s.top,
    ]
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`
  })
  const cards = profile.columns.flatMap((column) => {
    if (column.kind === 'datetime') return []
    const plot = column.kind === 'numerical' ? histogramOverlay(column) : categoryBars(column)
    return [`<div class="card"><h3>${escapeHtml(column.name)}</h3>${plot}</div>`]
  })
  const head = [
    'column',
    'type',
    'null %',
    'distinct',
    'min',
    'median',
    'max',
    'mean',
    'std',
    'most frequent',
  ]
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Profile</title><style>${STYLE}</style></head>
<body>
<h1>Profile of ${escapeHtml(source)}</h1>
<p>${profile.rowCount} rows, ${profile.columns.length} columns.</p>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<div class="grid">${cards.join('\n')}</div>
</body></html>
`
}
