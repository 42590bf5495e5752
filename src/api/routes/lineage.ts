import type { FastifyInstance } from 'fastify'
import type { LineageGraph } from '../../lineage/index.js'
import type { Lathe } from '../../main.js'
import { LineageNodeParams, LineageQuery, type LineageGraphBody } from '../contract/lineage.js'

/** `GET /api/v1/lineage/:kind/:id?direction=up|down|both&depth=N`: the graph around one object. */
export function lineageRoutes(app: FastifyInstance, { lineage }: Lathe): void {
  app.get('/api/v1/lineage/:kind/*', async (request) => {
    const { kind, '*': id } = LineageNodeParams.parse(request.params)
    const { direction, depth } = LineageQuery.parse(request.query)
    return lineageGraphJson(await lineage.graph({ kind, id }, { direction, depth }))
  })
}

function lineageGraphJson(graph: LineageGraph): LineageGraphBody {
  return {
    root: graph.root,
    nodes: graph.nodes.map((n) => ({
      kind: n.kind,
      id: n.id,
      label: n.label,
      attributes: n.attributes,
      created_at: n.createdAtMs,
      distance: n.distance,
    })),
    edges: graph.edges.map((e) => ({
      from: e.from,
      relation: e.relation,
      to: e.to,
      attributes: e.attributes,
      created_at: e.createdAtMs,
    })),
    truncated: graph.isTruncated,
  }
}
