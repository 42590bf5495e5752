import { sql, type Kysely } from 'kysely'
import type { LineageEdge, LineageNode, NodeRef } from './model.js'
import type { LineageTables } from './schema.js'

type Db = Kysely<LineageTables>

interface EdgeRow {
  from_kind: string
  from_id: string
  relation: string
  to_kind: string
  to_id: string
  attributes: string
  created_at: number | string
  depth: number | string
}

/** An edge reached by a walk, with how many steps from the root it lies. */
export interface WalkedEdge extends LineageEdge {
  readonly depth: number
}

/**
 * Every edge reachable from `root` in one direction within `maxDepth` steps, by one recursive
 * query. `up` follows edges into a node (what it was made from), `down` edges out of it. UNION
 * (not UNION ALL) with the depth bound keeps cycles finite.
 */
export async function walkEdges(
  db: Db,
  root: NodeRef,
  options: WalkOptions,
): Promise<WalkedEdge[]> {
  const { rows } = await walkSql(root, options).execute(db)
  return rows.map((r) => ({
    from: { kind: r.from_kind, id: r.from_id },
    relation: r.relation,
    to: { kind: r.to_kind, id: r.to_id },
    attributes: JSON.parse(r.attributes) as Record<string, unknown>,
    createdAtMs: Number(r.created_at),
    depth: Number(r.depth),
  }))
}

interface WalkOptions {
  readonly direction: 'up' | 'down'
  readonly maxDepth: number
  readonly limit: number
}

function walkSql(root: NodeRef, { direction, maxDepth, limit }: WalkOptions) {
  // `near` is the end of an edge that touches the node already reached; `far` is the next node.
  const near = direction === 'up' ? 'to' : 'from'
  const far = direction === 'up' ? 'from' : 'to'
  const nearKind = sql.ref(`e.${near}_kind`)
  const nearId = sql.ref(`e.${near}_id`)
  return sql<EdgeRow>`
    with recursive walk(from_kind, from_id, relation, to_kind, to_id, depth) as (
      select e.from_kind, e.from_id, e.relation, e.to_kind, e.to_id, 1
        from lineage_edges e
        where ${nearKind} = ${root.kind} and ${nearId} = ${root.id}
      union
      select e.from_kind, e.from_id, e.relation, e.to_kind, e.to_id, w.depth + 1
        from lineage_edges e
        join walk w on ${nearKind} = ${sql.ref(`w.${far}_kind`)} and ${nearId} = ${sql.ref(`w.${far}_id`)}
        where w.depth < ${maxDepth}
    )
    select e.from_kind, e.from_id, e.relation, e.to_kind, e.to_id, e.attributes, e.created_at,
           d.depth
      from (
        select from_kind, from_id, relation, to_kind, to_id, min(depth) as depth
          from walk
          group by from_kind, from_id, relation, to_kind, to_id
      ) d
      join lineage_edges e
        on e.from_kind = d.from_kind and e.from_id = d.from_id and e.relation = d.relation
       and e.to_kind = d.to_kind and e.to_id = d.to_id
      order by d.depth, e.created_at, e.from_kind, e.from_id, e.to_kind, e.to_id
      limit ${limit}
  `
}

const NODE_CHUNK = 200

/** The stored nodes among `refs` (unknown ones are left out), keyed by `kind:id`. */
export async function loadNodes(
  db: Db,
  refs: readonly NodeRef[],
): Promise<Map<string, Omit<LineageNode, 'distance'>>> {
  const found = new Map<string, Omit<LineageNode, 'distance'>>()
  for (let i = 0; i < refs.length; i += NODE_CHUNK) {
    const chunk = refs.slice(i, i + NODE_CHUNK)
    const rows = await db
      .selectFrom('lineage_nodes')
      .selectAll()
      .where((eb) =>
        eb.or(chunk.map((r) => eb.and([eb('kind', '=', r.kind), eb('id', '=', r.id)]))),
      )
      .execute()
    for (const row of rows) {
      found.set(nodeKey(row), {
        kind: row.kind,
        id: row.id,
        label: row.label,
        attributes: JSON.parse(row.attributes) as Record<string, unknown>,
        createdAtMs: Number(row.created_at),
      })
    }
  }
  return found
}

/** `kind:id`, the one string form of a node reference. */
export function nodeKey(ref: NodeRef): string {
  return `${ref.kind}:${ref.id}`
}
