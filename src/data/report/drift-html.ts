import type { DatasetProfile } from '../profile/dataset-profile.js'
import type { DriftReport } from '../profile-service.js'
import { categoryBars, escapeHtml, histogramOverlay, LEGEND } from './svg-plots.js'

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}
.drift{color:#c0392b;font-weight:600}.ok{color:#27ae60}.muted{color:#888}
.grid{display:flex;flex-wrap:wrap;gap:1.5rem}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem}
.card h3{margin:.2rem 0 .4rem;font-size:1rem}`

function number(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return ''
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2)
}

/**
 * A self-contained HTML drift report: the dataset verdict, one row per column, and per column
 * the reference and current distributions overlaid as inline SVG (no scripts, no network).
 */
export function driftHtml(
  report: DriftReport,
  profiles: { reference: DatasetProfile; current: DatasetProfile },
): string {
  const { dataset } = report
  const verdict = dataset.isDrifted
    ? `<span class="drift">Drift detected</span>`
    : `<span class="ok">No dataset drift</span>`
  const rows = report.columns.map((c) => {
    const r = c.result
    const status = r
      ? r.isDrifted
        ? '<span class="drift">drift</span>'
        : '<span class="ok">ok</span>'
      : '<span class="muted">skipped</span>'
    const detail = r ? `${escapeHtml(r.test)}` : escapeHtml(c.skipped ?? '')
    return `<tr><td>${escapeHtml(c.name)}</td><td>${c.kind}</td><td>${status}</td><td>${detail}</td><td>${number(r?.score)}</td><td>${r ? number(r.threshold) : ''}</td></tr>`
  })
  const current = new Map(profiles.current.columns.map((c) => [c.name, c]))
  const cards = profiles.reference.columns.flatMap((ref) => {
    const cur = current.get(ref.name)
    if (!cur || ref.kind !== cur.kind || ref.kind === 'datetime') return []
    const plot = ref.kind === 'numerical' ? histogramOverlay(ref, cur) : categoryBars(ref, cur)
    return [`<div class="card"><h3>${escapeHtml(ref.name)}</h3>${plot}</div>`]
  })
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift report</title><style>${STYLE}</style></head>
<body>
<h1>Drift report</h1>
<p>Reference <b>${escapeHtml(report.reference.source)}</b> (${report.reference.rowCount} rows) →
current <b>${escapeHtml(report.current.source)}</b> (${report.current.rowCount} rows)</p>
<p>${verdict}: ${dataset.driftedCount} of ${dataset.columnCount} columns drifted
(share ${number(dataset.driftedShare)}, threshold ${number(dataset.driftShare)}).</p>
<table><thead><tr><th>column</th><th>kind</th><th>verdict</th><th>test</th><th>score</th><th>threshold</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2>Distributions</h2><p>${LEGEND}</p>
<div class="grid">${cards.join('\n')}</div>
</body></html>
`
}
