import type { StoredEvent } from '../events/index.js'

/** Names an object in the lineage graph: `{ kind: 'model_version', id: 'churn/3' }`. */
export interface NodeRef {
  readonly kind: string
  readonly id: string
}

/** A node as a context reports it; `label` defaults to the id. */
export interface LineageNodeInput extends NodeRef {
  readonly label?: string | undefined
  /** Merged into what is already known about the node (later values win per key). */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/** A directed fact `from --relation--> to`, read as "from <relation> to" (dataset input_to run). */
export interface LineageEdgeInput {
  readonly from: NodeRef
  readonly relation: string
  readonly to: NodeRef
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/** What one event means for the graph. */
export interface LineageEffects {
  readonly nodes?: readonly LineageNodeInput[]
  readonly edges?: readonly LineageEdgeInput[]
}

/**
 * How a context's event becomes nodes and edges. Pure: it reads only the event, so replays give
 * the same graph.
 */
export type LineageRule = (event: StoredEvent) => LineageEffects

export interface LineageNode extends NodeRef {
  readonly label: string
  readonly attributes: Record<string, unknown>
  readonly createdAtMs: number
  /** Steps from the root: negative upstream, positive downstream, 0 for the root itself. */
  readonly distance: number
}

export interface LineageEdge {
  readonly from: NodeRef
  readonly relation: string
  readonly to: NodeRef
  readonly attributes: Record<string, unknown>
  readonly createdAtMs: number
}

export type LineageDirection = 'up' | 'down' | 'both'

/** The part of the graph reachable from `root`, ready to draw. */
export interface LineageGraph {
  readonly root: NodeRef
  readonly nodes: LineageNode[]
  readonly edges: LineageEdge[]
  /** Set when the walk stopped at the edge limit, so the graph is partial. */
  readonly isTruncated: boolean
}
