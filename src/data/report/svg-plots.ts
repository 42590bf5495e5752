import type { ColumnProfile } from '../profile/dataset-profile.js'

const WIDTH = 420
const HEIGHT = 170
const PAD = { left: 8, right: 8, top: 10, bottom: 26 }
const COLORS = { reference: '#4c78a8', current: '#f58518' }
const MAX_CATEGORIES = 12

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function label(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3)
    ? value.toExponential(2)
    : String(Number(value.toPrecision(4)))
}

/**
 * Density bars (count / (total × width)) of a histogram, as [left, right, density]. Values below
 * or above the edges (a current window counted on the reference's bins) get one bar of the mean
 * bin width on each side, so that mass that moved out of range stays visible.
 */
function densities(column: ColumnProfile): [number, number, number][] {
  const h = column.numeric?.histogram
  const total = column.numeric?.count ?? 0
  if (!h || total === 0 || h.edges.length < 2) return []
  const first = h.edges[0] ?? 0
  const last = h.edges[h.edges.length - 1] ?? 0
  const step = (last - first) / h.counts.length || 1
  const bar = (left: number, right: number, count: number): [number, number, number] => [
    left,
    right,
    count / (total * (right - left || 1)),
  ]
  const bars = h.counts.map((count, i) => bar(h.edges[i] ?? 0, h.edges[i + 1] ?? 0, count))
  if (h.underflow > 0) bars.unshift(bar(first - step, first, h.underflow))
  if (h.overflow > 0) bars.push(bar(last, last + step, h.overflow))
  return bars
}

/**
 * Reference and current histograms of a numerical column overlaid on one value axis, each as
 * densities on its own bins, so that profiles binned differently still compare by eye. Without
 * `current`, the reference alone (a profile).
 */
export function histogramOverlay(reference: ColumnProfile, current?: ColumnProfile): string {
  const sides = [
    { bars: densities(reference), color: COLORS.reference },
    ...(current ? [{ bars: densities(current), color: COLORS.current }] : []),
  ]
  const all = sides.flatMap((s) => s.bars)
  if (all.length === 0) return '<p class="muted">No finite values to plot.</p>'
  const lo = Math.min(...all.map((b) => b[0]))
  const hi = Math.max(...all.map((b) => b[1]))
  const top = Math.max(...all.map((b) => b[2])) || 1
  const innerWidth = WIDTH - PAD.left - PAD.right
  const innerHeight = HEIGHT - PAD.top - PAD.bottom
  const x = (v: number) => PAD.left + ((v - lo) / (hi - lo || 1)) * innerWidth
  const y = (d: number) => PAD.top + innerHeight - (d / top) * innerHeight
  const rects = sides.flatMap(({ bars, color }) =>
    bars.map(([left, right, d]) => {
      const width = Math.max(x(right) - x(left), 0.5)
      return `<rect x="${x(left).toFixed(2)}" y="${y(d).toFixed(2)}" width="${width.toFixed(2)}" height="${(PAD.top + innerHeight - y(d)).toFixed(2)}" fill="${color}" fill-opacity="0.45" stroke="${color}" stroke-width="0.6"/>`
    }),
  )
  const axis = `<line x1="${PAD.left}" y1="${PAD.top + innerHeight}" x2="${WIDTH - PAD.right}" y2="${PAD.top + innerHeight}" stroke="#888"/>`
  const ticks = [lo, (lo + hi) / 2, hi].map(
    (v, i) =>
      `<text x="${x(v).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="${['start', 'middle', 'end'][i]}">${escapeHtml(label(v))}</text>`,
  )
  return svg([...rects, axis, ...ticks])
}

/** Share of each of the most frequent categories, reference and current side by side. */
export function categoryBars(reference: ColumnProfile, current: ColumnProfile = reference): string {
  const ref = reference.categorical
  const cur = current.categorical
  if (!ref || !cur || ref.count === 0 || cur.count === 0)
    return '<p class="muted">No values to plot.</p>'
  const curCounts = new Map(cur.categories.map(([k, n]) => [String(k), n]))
  const keys = [...new Set([...ref.categories, ...cur.categories].map(([k]) => String(k)))].slice(
    0,
    MAX_CATEGORIES,
  )
  const refCounts = new Map(ref.categories.map(([k, n]) => [String(k), n]))
  const shares = keys.map(
    (k) => [(refCounts.get(k) ?? 0) / ref.count, (curCounts.get(k) ?? 0) / cur.count] as const,
  )
  const top = Math.max(...shares.flat()) || 1
  const innerHeight = HEIGHT - PAD.top - PAD.bottom
  const slot = (WIDTH - PAD.left - PAD.right) / keys.length
  const parts = keys.flatMap((key, i) => {
    const [a, b] = shares[i] ?? [0, 0]
    const left = PAD.left + i * slot
    const bar = (share: number, offset: number, color: string) => {
      const height = (share / top) * innerHeight
      return `<rect x="${(left + offset).toFixed(2)}" y="${(PAD.top + innerHeight - height).toFixed(2)}" width="${(slot * 0.4).toFixed(2)}" height="${height.toFixed(2)}" fill="${color}"><title>${escapeHtml(key)}: ${(share * 100).toFixed(1)}%</title></rect>`
    }
    const name = key.length > 10 ? `${key.slice(0, 9)}…` : key
    return [
      bar(a, slot * 0.1, COLORS.reference),
      ...(current === reference ? [] : [bar(b, slot * 0.5, COLORS.current)]),
      `<text x="${(left + slot / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(name)}</text>`,
    ]
  })
  return svg(parts)
}

function svg(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-size="10" font-family="sans-serif">${parts.join('')}</svg>`
}

/** The legend shared by every plot. */
export const LEGEND = `<span style="color:${COLORS.reference}">■ reference</span> <span style="color:${COLORS.current}">■ current</span>`
