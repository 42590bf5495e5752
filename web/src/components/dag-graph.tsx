import type { StepRun } from '../pipelines-api'
import { ArrowMarker } from './arrow-marker'

const NODE_W = 170
const NODE_H = 52
const GAP_X = 70
const GAP_Y = 16
const PAD = 12

interface Placed {
  readonly step: StepRun
  readonly x: number
  readonly y: number
}

/** Each step's depth: 0 without needs, else one more than its deepest need. */
function depths(steps: readonly StepRun[]): Map<string, number> {
  const byName = new Map(steps.map((s) => [s.step, s]))
  const depth = new Map<string, number>()
  const visit = (name: string, seen: Set<string>): number => {
    const known = depth.get(name)
    if (known !== undefined) return known
    // A cycle cannot run, but should not hang the page either.
    if (seen.has(name)) return 0
    seen.add(name)
    const needs = byName.get(name)?.needs ?? []
    const d = needs.length === 0 ? 0 : 1 + Math.max(...needs.map((n) => visit(n, seen)))
    depth.set(name, d)
    return d
  }
  for (const s of steps) visit(s.step, new Set())
  return depth
}

function layout(steps: readonly StepRun[]) {
  const depth = depths(steps)
  const columns: StepRun[][] = []
  for (const s of steps) (columns[depth.get(s.step)!] ??= []).push(s)
  const placed = new Map<string, Placed>()
  columns.forEach((column, c) =>
    column.forEach((step, r) =>
      placed.set(step.step, {
        step,
        x: PAD + c * (NODE_W + GAP_X),
        y: PAD + r * (NODE_H + GAP_Y),
      }),
    ),
  )
  const rows = Math.max(1, ...columns.map((c) => c?.length ?? 0))
  return {
    placed,
    widthPx: 2 * PAD + columns.length * (NODE_W + GAP_X) - GAP_X,
    heightPx: 2 * PAD + rows * (NODE_H + GAP_Y) - GAP_Y,
  }
}

/**
 * A pipeline run's steps as a left-to-right DAG (the lineage graph's drawing: boxes, curved
 * arrows), each box showing the step's live status; a box is a button selecting the step.
 */
export function DagGraph({
  steps,
  selected,
  onSelect,
}: {
  steps: readonly StepRun[]
  selected: string | undefined
  onSelect: (step: string) => void
}) {
  const { placed, widthPx, heightPx } = layout(steps)
  return (
    <div class="ln-scroll">
      <svg
        class="ln-graph dag-graph"
        width={widthPx}
        height={heightPx}
        viewBox={`0 0 ${widthPx} ${heightPx}`}
        role="group"
        aria-label="Pipeline steps"
      >
        <ArrowMarker id="dag-arrow" />
        {[...placed.values()].flatMap((to) =>
          to.step.needs.map((need) => {
            const from = placed.get(need)
            if (!from) return null
            const x1 = from.x + NODE_W
            const y1 = from.y + NODE_H / 2
            const x2 = to.x
            const y2 = to.y + NODE_H / 2
            const bend = Math.max(30, (x2 - x1) / 2)
            return (
              <g class="ln-edge" key={`${need}>${to.step.step}`}>
                <path
                  d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
                  marker-end="url(#dag-arrow)"
                />
              </g>
            )
          }),
        )}
        {[...placed.values()].map(({ step, x, y }) => (
          <g
            key={step.step}
            class={`ln-node status-${step.status}${step.step === selected ? ' is-selected' : ''}`}
            transform={`translate(${x},${y})`}
            role="button"
            tabIndex={0}
            aria-pressed={step.step === selected}
            aria-label={`step ${step.step} ${step.status}`}
            onClick={() => onSelect(step.step)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault()
                onSelect(step.step)
              }
            }}
          >
            <rect width={NODE_W} height={NODE_H} rx={8} />
            <rect class="ln-kind-bar" width={5} height={NODE_H} rx={2} />
            <text x={14} y={20} class="ln-kind">
              {step.status}
            </text>
            <text x={14} y={38} class="ln-label">
              {step.step.length > 20 ? `${step.step.slice(0, 19)}…` : step.step}
            </text>
          </g>
        ))}
      </svg>
    </div>
  )
}
