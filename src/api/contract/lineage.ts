import { z } from 'zod'
import { QueryInt } from './common.js'

/** `GET /api/v1/lineage/:kind/*`: the id is the rest of the path, so `churn/3` needs no escaping. */
export const LineageNodeParams = z.object({
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a node kind such as run or model_version'),
  '*': z.string().min(1, 'must name the object id').max(500),
})

export const LineageQuery = z.object({
  direction: z.enum(['up', 'down', 'both']).default('both'),
  depth: QueryInt.min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
})
export type LineageQuery = z.infer<typeof LineageQuery>

const NodeRef = z.object({ kind: z.string(), id: z.string() })

/** The response: the graph around the root, for drawing. */
export const LineageGraphBody = z.object({
  root: NodeRef,
  nodes: z.array(
    NodeRef.extend({
      label: z.string(),
      attributes: z.record(z.string(), z.unknown()),
      created_at: z.number(),
      /** Steps from the root: negative upstream, positive downstream. */
      distance: z.number(),
    }),
  ),
  edges: z.array(
    z.object({
      from: NodeRef,
      relation: z.string(),
      to: NodeRef,
      attributes: z.record(z.string(), z.unknown()),
      created_at: z.number(),
    }),
  ),
  truncated: z.boolean(),
})
export type LineageGraphBody = z.infer<typeof LineageGraphBody>
