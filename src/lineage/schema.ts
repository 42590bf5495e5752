/** Tables owned by the lineage context. Timestamps are epoch milliseconds; attributes are JSON. */
export interface LineageTables {
  /** One row per object any context reported: dataset version, run, model version, deployment… */
  lineage_nodes: {
    kind: string
    id: string
    label: string
    attributes: string
    created_at: number
    updated_at: number
  }
  /** Every "made from" / "produced" / "deployed as" / "triggered" fact, once. */
  lineage_edges: {
    from_kind: string
    from_id: string
    relation: string
    to_kind: string
    to_id: string
    attributes: string
    created_at: number
  }
}
