import { ownTables, type AnyKysely } from '../store/index.js'
import { InvalidParameterError } from '../shared/errors.js'
import type { LineageEffects, LineageNodeInput, NodeRef } from './model.js'
import type { LineageTables } from './schema.js'

const NAME = /^[a-z][a-z0-9_]{0,63}$/
const MAX_ID_LENGTH = 500

/** @throws InvalidParameterError naming the field when a kind, id or relation is malformed. */
export function checkNodeRef(ref: NodeRef, field = 'node'): void {
  if (!NAME.test(ref.kind)) {
    throw new InvalidParameterError(
      `${field}.kind '${ref.kind}' must be lower_snake_case (a-z, 0-9, _), at most 64 characters`,
    )
  }
  if (ref.id.length === 0 || ref.id.length > MAX_ID_LENGTH) {
    throw new InvalidParameterError(`${field}.id must be 1 to ${MAX_ID_LENGTH} characters`)
  }
}

function checkEffects({ nodes = [], edges = [] }: LineageEffects): void {
  for (const node of nodes) checkNodeRef(node)
  for (const edge of edges) {
    checkNodeRef(edge.from, 'from')
    checkNodeRef(edge.to, 'to')
    if (!NAME.test(edge.relation)) {
      throw new InvalidParameterError(
        `relation '${edge.relation}' must be lower_snake_case (a-z, 0-9, _), at most 64 characters`,
      )
    }
  }
}

/**
 * Writes nodes and edges in the caller's transaction. Idempotent: an edge already present is
 * kept as it is, and a node's attributes are merged, so replaying an event changes nothing.
 */
export async function writeEffects(
  trx: AnyKysely,
  effects: LineageEffects,
  nowMs: number,
): Promise<void> {
  checkEffects(effects)
  const db = ownTables<LineageTables>(trx)
  for (const node of effects.nodes ?? []) await upsertNode(db, node, nowMs)
  for (const edge of effects.edges ?? []) {
    // Endpoints nobody described yet still appear in the graph, labelled by their id.
    await upsertNode(db, edge.from, nowMs)
    await upsertNode(db, edge.to, nowMs)
    await db
      .insertInto('lineage_edges')
      .values({
        from_kind: edge.from.kind,
        from_id: edge.from.id,
        relation: edge.relation,
        to_kind: edge.to.kind,
        to_id: edge.to.id,
        attributes: JSON.stringify(edge.attributes ?? {}),
        created_at: nowMs,
      })
      .onConflict((oc) =>
        oc.columns(['from_kind', 'from_id', 'relation', 'to_kind', 'to_id']).doNothing(),
      )
      .execute()
  }
}

async function upsertNode(
  db: ReturnType<typeof ownTables<LineageTables>>,
  node: LineageNodeInput,
  nowMs: number,
): Promise<void> {
  const existing = await db
    .selectFrom('lineage_nodes')
    .select(['label', 'attributes'])
    .where('kind', '=', node.kind)
    .where('id', '=', node.id)
    .executeTakeFirst()
  if (!existing) {
    await db
      .insertInto('lineage_nodes')
      .values({
        kind: node.kind,
        id: node.id,
        label: node.label ?? node.id,
        attributes: JSON.stringify(node.attributes ?? {}),
        created_at: nowMs,
        updated_at: nowMs,
      })
      .onConflict((oc) => oc.columns(['kind', 'id']).doNothing())
      .execute()
    return
  }
  const label = node.label ?? existing.label
  const attributes = JSON.stringify({
    ...(JSON.parse(existing.attributes) as Record<string, unknown>),
    // An attribute an event leaves out keeps its known value rather than being erased.
    ...Object.fromEntries(Object.entries(node.attributes ?? {}).filter(([, v]) => v !== undefined)),
  })
  if (label === existing.label && attributes === existing.attributes) return
  await db
    .updateTable('lineage_nodes')
    .set({ label, attributes, updated_at: nowMs })
    .where('kind', '=', node.kind)
    .where('id', '=', node.id)
    .execute()
}
