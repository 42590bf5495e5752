import type { EventDispatcher, StoredEvent } from '../events/index.js'
import type { Clock } from '../shared/clock.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import type { AnyKysely, MetadataStore } from '../store/index.js'
import { loadNodes, nodeKey, walkEdges, type WalkedEdge } from './lineage-query.js'
import { checkNodeRef, writeEffects } from './lineage-writer.js'
import type {
  LineageDirection,
  LineageEdge,
  LineageEdgeInput,
  LineageEffects,
  LineageGraph,
  LineageNode,
  LineageRule,
  NodeRef,
} from './model.js'
import type { LineageTables } from './schema.js'

export interface LineageDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly events: EventDispatcher
  /** Told about an event whose rule produced an invalid node or edge (the event is skipped). */
  readonly onRuleError?: (event: StoredEvent, err: unknown) => void
}

/** The durable subscriber name; keep it stable, it stores the position in the outbox. */
export const LINEAGE_SUBSCRIBER = 'lineage'
export const DEFAULT_LINEAGE_DEPTH = 20
export const MAX_LINEAGE_DEPTH = 100
const MAX_EDGES = 5000

/**
 * The lineage graph: one table of nodes, one of edges. Contexts feed it by declaring rules that
 * turn their outbox events into edges (`registerRule`), or by `record` inside their own
 * transaction; readers walk it upstream or downstream in one recursive query.
 */
export class Lineage {
  readonly #deps: LineageDeps
  readonly #rules = new Map<string, LineageRule[]>()

  constructor(deps: LineageDeps) {
    this.#deps = deps
    // From the start: objects created before lineage existed still get their edges.
    deps.events.subscribe(LINEAGE_SUBSCRIBER, (event) => this.#apply(event), { fromStart: true })
  }

  /** Declares how events of `eventType` become nodes and edges; several rules may share a type. */
  registerRule(eventType: string, rule: LineageRule): void {
    this.#rules.set(eventType, [...(this.#rules.get(eventType) ?? []), rule])
  }

  /** Registers a context's rules, keyed by event type. */
  registerRules(rules: Readonly<Record<string, LineageRule>>): void {
    for (const [type, rule] of Object.entries(rules)) this.registerRule(type, rule)
  }

  /**
   * Writes nodes and edges in the caller's transaction, for a context that wants its edge to
   * commit with its change. @throws InvalidParameterError on a malformed kind, id or relation.
   */
  record(trx: AnyKysely, effects: LineageEffects): Promise<void> {
    return writeEffects(trx, effects, this.#deps.clock.nowMs())
  }

  /** Writes one edge in the caller's transaction (see `record`). */
  recordEdge(trx: AnyKysely, edge: LineageEdgeInput): Promise<void> {
    return this.record(trx, { edges: [edge] })
  }

  /** Applies every event committed so far, so that reads see them. */
  drain(): Promise<void> {
    return this.#deps.events.drain()
  }

  /**
   * The graph around `root`: what it was made from (`up`), what was made from it (`down`), or
   * both. @throws NotFoundError when lineage knows nothing of `root`.
   */
  async graph(
    root: NodeRef,
    { direction = 'both', depth = DEFAULT_LINEAGE_DEPTH }: GraphOptions = {},
  ): Promise<LineageGraph> {
    checkNodeRef(root)
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_LINEAGE_DEPTH) {
      throw new InvalidParameterError(`depth must be an integer from 1 to ${MAX_LINEAGE_DEPTH}`)
    }
    const db = this.#deps.store.db<LineageTables>()
    const walk = (dir: 'up' | 'down') =>
      walkEdges(db, root, { direction: dir, maxDepth: depth, limit: MAX_EDGES + 1 })
    const up = direction === 'down' ? [] : await walk('up')
    const down = direction === 'up' ? [] : await walk('down')
    const edges = new Map<string, LineageEdge>()
    const reached = new Map<string, Reached>([[nodeKey(root), { ref: root, distance: 0 }]])
    collect(up, 'up', edges, reached)
    collect(down, 'down', edges, reached)
    const nodes = await loadNodes(
      db,
      [...reached.values()].map((r) => r.ref),
    )
    if (!nodes.has(nodeKey(root))) {
      throw new NotFoundError(
        `Lineage has no ${root.kind} '${root.id}'; objects appear once their events are recorded`,
      )
    }
    return {
      root: { kind: root.kind, id: root.id },
      nodes: [...reached].flatMap(([key, { distance }]) => {
        const node = nodes.get(key)
        return node ? [{ ...node, distance } satisfies LineageNode] : []
      }),
      edges: [...edges.values()].slice(0, MAX_EDGES),
      isTruncated: up.length > MAX_EDGES || down.length > MAX_EDGES || edges.size > MAX_EDGES,
    }
  }

  /** What `root` was made from, `depth` steps back. */
  upstream(root: NodeRef, depth?: number): Promise<LineageGraph> {
    return this.graph(root, { direction: 'up', depth })
  }

  /** What was made from `root`, `depth` steps on. */
  downstream(root: NodeRef, depth?: number): Promise<LineageGraph> {
    return this.graph(root, { direction: 'down', depth })
  }

  async #apply(event: StoredEvent): Promise<void> {
    const rules = this.#rules.get(event.type)
    if (!rules) return
    const effects = rules.map((rule) => rule(event))
    try {
      await this.#deps.store.transaction(async (trx) => {
        for (const effect of effects) await writeEffects(trx, effect, event.createdAtMs)
      })
    } catch (err) {
      // A rule that yields a malformed edge would otherwise block every later event forever.
      if (!(err instanceof InvalidParameterError)) throw err
      this.#deps.onRuleError?.(event, err)
    }
  }
}

export interface GraphOptions {
  readonly direction?: LineageDirection | undefined
  readonly depth?: number | undefined
}

interface Reached {
  readonly ref: NodeRef
  readonly distance: number
}

function collect(
  walked: readonly WalkedEdge[],
  direction: 'up' | 'down',
  edges: Map<string, LineageEdge>,
  reached: Map<string, Reached>,
): void {
  for (const { depth, ...edge } of walked.slice(0, MAX_EDGES)) {
    edges.set(`${nodeKey(edge.from)}|${edge.relation}|${nodeKey(edge.to)}`, edge)
    const ref = direction === 'up' ? edge.from : edge.to
    const distance = direction === 'up' ? -depth : depth
    const known = reached.get(nodeKey(ref))
    // A node reached both ways (a cycle) sits at its nearest distance.
    if (!known || Math.abs(distance) < Math.abs(known.distance)) {
      reached.set(nodeKey(ref), { ref, distance })
    }
  }
}
