import { useEffect, useRef } from 'preact/hooks'
import { formatNumber } from '../lib/format'
import { cssVar, useColorScheme } from '../lib/theme'

/** One vertical axis: a label and one value per run (undefined when the run lacks it). */
export interface PcAxis {
  readonly label: string
  readonly values: readonly (string | number | undefined)[]
}

interface Scale {
  /** 0 (bottom) to 1 (top), or undefined for a missing value. */
  readonly position: (value: string | number | undefined) => number | undefined
  readonly ticks: readonly { at: number; label: string }[]
}

const HEIGHT_PX = 300
const PAD = { top: 40, bottom: 28, side: 70 }

/** Numbers get a linear scale; anything else is a category, evenly spaced in sorted order. */
function scaleOf(axis: PcAxis): Scale {
  const present = axis.values.filter((v): v is string | number => v !== undefined && v !== '')
  const numbers = present.map(Number)
  if (present.length > 0 && numbers.every(Number.isFinite)) {
    const min = Math.min(...numbers)
    const max = Math.max(...numbers)
    const span = max - min
    const position = (v: string | number | undefined) =>
      v === undefined || v === '' ? undefined : span === 0 ? 0.5 : (Number(v) - min) / span
    const ticks =
      span === 0
        ? [{ at: 0.5, label: formatNumber(min) }]
        : [0, 0.5, 1].map((at) => ({ at, label: formatNumber(min + at * span) }))
    return { position, ticks }
  }
  const categories = [...new Set(present.map(String))].sort()
  const step = categories.length > 1 ? 1 / (categories.length - 1) : 0
  const position = (v: string | number | undefined) => {
    if (v === undefined || v === '') return undefined
    return categories.length === 1 ? 0.5 : categories.indexOf(String(v)) * step
  }
  return {
    position,
    ticks: categories.map((c) => ({
      at: categories.length === 1 ? 0.5 : categories.indexOf(c) * step,
      label: c,
    })),
  }
}

function draw(canvas: HTMLCanvasElement, axes: readonly PcAxis[], colors: readonly string[]): void {
  const widthPx = canvas.clientWidth
  const ratio = window.devicePixelRatio || 1
  canvas.width = widthPx * ratio
  canvas.height = HEIGHT_PX * ratio
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.scale(ratio, ratio)
  ctx.clearRect(0, 0, widthPx, HEIGHT_PX)
  const scales = axes.map(scaleOf)
  const gap = axes.length > 1 ? (widthPx - 2 * PAD.side) / (axes.length - 1) : 0
  const xAt = (i: number) => (axes.length > 1 ? PAD.side + i * gap : widthPx / 2)
  const yAt = (p: number) => HEIGHT_PX - PAD.bottom - p * (HEIGHT_PX - PAD.top - PAD.bottom)
  ctx.lineWidth = 2
  colors.forEach((color, run) => {
    ctx.strokeStyle = color
    ctx.beginPath()
    let isDrawing = false
    scales.forEach((scale, i) => {
      const p = scale.position(axes[i]!.values[run])
      if (p === undefined) {
        isDrawing = false
        return
      }
      if (isDrawing) ctx.lineTo(xAt(i), yAt(p))
      else ctx.moveTo(xAt(i), yAt(p))
      isDrawing = true
    })
    ctx.stroke()
  })
  drawAxes(ctx, axes, scales, xAt, yAt)
}

function drawAxes(
  ctx: CanvasRenderingContext2D,
  axes: readonly PcAxis[],
  scales: readonly Scale[],
  xAt: (i: number) => number,
  yAt: (p: number) => number,
): void {
  const text = cssVar('--text')
  const muted = cssVar('--muted')
  const line = cssVar('--border-strong')
  axes.forEach((axis, i) => {
    const x = xAt(i)
    ctx.strokeStyle = line
    ctx.lineWidth = 1
    ctx.beginPath()
    ctx.moveTo(x, yAt(0))
    ctx.lineTo(x, yAt(1))
    ctx.stroke()
    ctx.textAlign = 'center'
    ctx.fillStyle = text
    ctx.font = '600 12px system-ui, sans-serif'
    ctx.fillText(clip(axis.label, 18), x, PAD.top - 22)
    ctx.font = '11px system-ui, sans-serif'
    ctx.fillStyle = muted
    ctx.textAlign = i === axes.length - 1 && axes.length > 1 ? 'right' : 'left'
    const dx = ctx.textAlign === 'right' ? -6 : 6
    for (const tick of scales[i]!.ticks.slice(0, 12)) {
      ctx.fillText(clip(tick.label, 14), x + dx, yAt(tick.at) + 4)
    }
  })
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * Parallel coordinates on a canvas: one vertical axis per param (and the chosen metric last),
 * one line per run in the run's colour, to see which settings lead to which result.
 */
export function ParallelCoordinates({
  axes,
  colors,
  label,
}: {
  axes: readonly PcAxis[]
  colors: readonly string[]
  label: string
}) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const scheme = useColorScheme()
  useEffect(() => {
    const element = canvas.current
    if (!element) return
    draw(element, axes, colors)
    const observer = new ResizeObserver(() => draw(element, axes, colors))
    observer.observe(element)
    return () => observer.disconnect()
  }, [axes, colors, scheme])
  return (
    <canvas
      ref={canvas}
      class="pc-canvas"
      style={{ height: `${HEIGHT_PX}px` }}
      role="img"
      aria-label={label}
    />
  )
}
