import type { Command } from 'commander'
import type { LineageGraph, LineageNode, NodeRef } from '../../lineage/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'

interface LineageOptions {
  up?: boolean
  down?: boolean
  depth: string
  json?: boolean
}

/** `lathe lineage KIND ID`: what an object was made from and what was made from it, as trees. */
export function registerLineageCommand(program: Command): void {
  program
    .command('lineage <kind> <id>')
    .description('show lineage: e.g. `lathe lineage model_version churn/3 --up`')
    .option('--up', 'only what it was made from')
    .option('--down', 'only what was made from it')
    .option('--depth <n>', 'steps to follow', '20')
    .option('--json', 'print JSON (nodes and edges)')
    .action(async (kind: string, id: string, options: LineageOptions, command: Command) =>
      withLathe(command, async (lathe) => {
        const depth = Number(options.depth)
        if (!Number.isInteger(depth)) {
          throw new InvalidParameterError(`--depth must be an integer, got '${options.depth}'`)
        }
        const direction =
          options.up && !options.down ? 'up' : options.down && !options.up ? 'down' : 'both'
        await lathe.lineage.drain()
        const graph = await lathe.lineage.graph({ kind, id }, { direction, depth })
        if (options.json) return console.log(JSON.stringify(graph, null, 2))
        const directions: ('up' | 'down')[] = direction === 'both' ? ['up', 'down'] : [direction]
        for (const d of directions) console.log(lineageTree(graph, d).join('\n'))
      }),
    )
}

const key = (ref: NodeRef) => `${ref.kind}:${ref.id}`

function nodeText(ref: NodeRef, nodes: ReadonlyMap<string, LineageNode>): string {
  const label = nodes.get(key(ref))?.label
  return label && label !== ref.id ? `${key(ref)} (${label})` : key(ref)
}

/**
 * The graph as an indented tree from the root, upstream (`up`: what each node was made from)
 * or downstream. A node reached twice is expanded once and marked `(see above)` after that.
 */
export function lineageTree(graph: LineageGraph, direction: 'up' | 'down'): string[] {
  const nodes = new Map(graph.nodes.map((n) => [key(n), n]))
  const next = (ref: NodeRef) =>
    graph.edges
      .filter((e) => key(direction === 'up' ? e.to : e.from) === key(ref))
      .map((e) => ({ relation: e.relation, node: direction === 'up' ? e.from : e.to }))
  const lines = [`${nodeText(graph.root, nodes)}  ${direction === 'up' ? 'made from' : 'used by'}:`]
  const expanded = new Set([key(graph.root)])
  const visit = (ref: NodeRef, indent: string) => {
    const children = next(ref)
    children.forEach((child, i) => {
      const isLast = i === children.length - 1
      const seen = expanded.has(key(child.node))
      const arrow = direction === 'up' ? `← ${child.relation}` : `→ ${child.relation}`
      lines.push(
        `${indent}${isLast ? '└─' : '├─'} ${arrow} ${nodeText(child.node, nodes)}${seen ? ' (see above)' : ''}`,
      )
      if (seen) return
      expanded.add(key(child.node))
      visit(child.node, `${indent}${isLast ? '   ' : '│  '}`)
    })
  }
  visit(graph.root, '')
  if (lines.length === 1) lines.push('└─ (nothing)')
  return lines
}
