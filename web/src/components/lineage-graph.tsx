import type { LineageEdge, LineageGraph, LineageNode, NodeRef } from '../native-api'
import { ArrowMarker } from './arrow-marker'

const NODE_W = 190
const NODE_H = 52
const GAP_X = 90
const GAP_Y = 18
const PAD = 12

/** `kind:id`, the one string form of a node reference (as the server writes it). */
export function nodeKey(ref: NodeRef): string {
  return `${ref.kind}:${ref.id}`
}

interface Placed {
  readonly node: LineageNode
  readonly x: number
  readonly y: number
}

/**
 * Edges may name objects that were never recorded as nodes (a model input logged by id only):
 * place those beside their neighbour so that no arrow points nowhere.
 */
function allNodes(graph: LineageGraph): LineageNode[] {
  const nodes = new Map(graph.nodes.map((n) => [nodeKey(n), n]))
  for (const edge of graph.edges) {
    const from = nodes.get(nodeKey(edge.from))
    const to = nodes.get(nodeKey(edge.to))
    const missing = !from && to ? { ref: edge.from, distance: to.distance - 1 } : undefined
    const missingTo = from && !to ? { ref: edge.to, distance: from.distance + 1 } : undefined
    for (const m of [missing, missingTo]) {
      if (!m) continue
      const node = {
        ...m.ref,
        label: m.ref.id,
        attributes: {},
        created_at: 0,
        distance: m.distance,
      }
      nodes.set(nodeKey(m.ref), node)
    }
  }
  return [...nodes.values()]
}

/**
 * Columns by distance from the root (upstream left, downstream right), nodes sorted by kind and
 * label within a column: lineage reads left to right as "made from" to "made into".
 */
function layout(graph: LineageGraph): {
  placed: Map<string, Placed>
  widthPx: number
  heightPx: number
} {
  const columns = new Map<number, LineageNode[]>()
  for (const node of allNodes(graph)) {
    const column = columns.get(node.distance) ?? []
    column.push(node)
    columns.set(node.distance, column)
  }
  const distances = [...columns.keys()].sort((a, b) => a - b)
  const placed = new Map<string, Placed>()
  let rows = 0
  distances.forEach((distance, c) => {
    const column = columns.get(distance)!
    column.sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label))
    rows = Math.max(rows, column.length)
    column.forEach((node, r) => {
      placed.set(nodeKey(node), {
        node,
        x: PAD + c * (NODE_W + GAP_X),
        y: PAD + r * (NODE_H + GAP_Y),
      })
    })
  })
  return {
    placed,
    widthPx: 2 * PAD + distances.length * (NODE_W + GAP_X) - GAP_X,
    heightPx: 2 * PAD + rows * (NODE_H + GAP_Y) - GAP_Y,
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function Edge({ edge, placed }: { edge: LineageEdge; placed: Map<string, Placed> }) {
  const from = placed.get(nodeKey(edge.from))
  const to = placed.get(nodeKey(edge.to))
  if (!from || !to) return null
  const x1 = from.x + NODE_W
  const y1 = from.y + NODE_H / 2
  const x2 = to.x
  const y2 = to.y + NODE_H / 2
  const bend = Math.max(40, Math.abs(x2 - x1) / 2)
  return (
    <g class="ln-edge">
      <title>{`${from.node.label} ${edge.relation.replace(/_/g, ' ')} ${to.node.label}`}</title>
      <path
        d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
        marker-end="url(#ln-arrow)"
      />
      <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 6} text-anchor="middle">
        {edge.relation.replace(/_/g, ' ')}
      </text>
    </g>
  )
}

function Node({
  placed,
  isRoot,
  isSelected,
  onSelect,
}: {
  placed: Placed
  isRoot: boolean
  isSelected: boolean
  onSelect: () => void
}) {
  const { node, x, y } = placed
  const kindClass = node.kind.replace(/[^a-z0-9_]/g, '')
  return (
    <g
      class={`ln-node kind-${kindClass}${isRoot ? ' is-root' : ''}${isSelected ? ' is-selected' : ''}`}
      transform={`translate(${x},${y})`}
      role="button"
      tabIndex={0}
      aria-pressed={isSelected}
      aria-label={`${node.kind} ${node.label}`}
      onClick={onSelect}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault()
          onSelect()
        }
      }}
    >
      <rect width={NODE_W} height={NODE_H} rx={8} />
      <rect class="ln-kind-bar" width={5} height={NODE_H} rx={2} />
      <text x={14} y={20} class="ln-kind">
        {node.kind.replace(/_/g, ' ')}
      </text>
      <text x={14} y={38} class="ln-label">
        {clip(node.label || node.id, 24)}
      </text>
    </g>
  )
}

/** The lineage graph as SVG: one box per object, one arrow per edge, the root outlined. */
export function LineageGraphView({
  graph,
  selected,
  onSelect,
}: {
  graph: LineageGraph
  selected: string | undefined
  onSelect: (key: string) => void
}) {
  const { placed, widthPx, heightPx } = layout(graph)
  const rootKey = nodeKey(graph.root)
  return (
    <div class="ln-scroll">
      <svg
        class="ln-graph"
        width={widthPx}
        height={heightPx}
        viewBox={`0 0 ${widthPx} ${heightPx}`}
        role="group"
        aria-label={`Lineage of ${graph.root.kind} ${graph.root.id}`}
      >
        <ArrowMarker id="ln-arrow" />
        {graph.edges.map((edge) => (
          <Edge
            key={`${nodeKey(edge.from)}>${edge.relation}>${nodeKey(edge.to)}`}
            edge={edge}
            placed={placed}
          />
        ))}
        {[...placed.entries()].map(([key, p]) => (
          <Node
            key={key}
            placed={p}
            isRoot={key === rootKey}
            isSelected={key === selected}
            onSelect={() => onSelect(key)}
          />
        ))}
      </svg>
    </div>
  )
}
