import type { StoredEvent } from '../events/index.js'
import type { LineageEdgeInput, LineageRule, NodeRef } from '../lineage/index.js'

function deploymentNode(event: StoredEvent): NodeRef {
  return { kind: 'deployment', id: String(event.payload.name) }
}

function versionNode(model: unknown, version: unknown): NodeRef | undefined {
  return typeof model === 'string' && typeof version === 'number'
    ? { kind: 'model_version', id: `${model}/${version}` }
    : undefined
}

/** `model_version --deployed_as--> deployment`, with the role it took. */
function deployedAs(event: StoredEvent, version: unknown, role: string) {
  const from = versionNode(event.payload.model, version)
  const edges: LineageEdgeInput[] = from
    ? [
        {
          from,
          relation: 'deployed_as',
          to: deploymentNode(event),
          attributes: { role, strategy: event.payload.strategy },
        },
      ]
    : []
  return edges
}

/**
 * How serving's events become lineage: each version a deployment serves (or releases as a
 * canary, shadow or swap) is `deployed_as` it; a batch prediction was `scored_by` the version from
 * the dataset (version) that was `input_to` it. Payload shapes: src/serving/release-transitions.ts,
 * deployment-service.ts, batch-scoring.ts.
 */
export const servingLineageRules: Readonly<Record<string, LineageRule>> = {
  'deployment.created': (event) => ({
    nodes: [
      {
        ...deploymentNode(event),
        label: String(event.payload.name),
        attributes: { model: event.payload.model, strategy: event.payload.strategy },
      },
    ],
    edges: deployedAs(event, event.payload.version, 'stable'),
  }),
  'deployment.release_started': (event) => ({
    edges: deployedAs(event, event.payload.to, String(event.payload.strategy)),
  }),
  'deployment.promoted': (event) => ({
    nodes: [{ ...deploymentNode(event), attributes: { version: event.payload.to } }],
  }),
  'deployment.rolled_back': (event) => ({
    nodes: [{ ...deploymentNode(event), attributes: { version: event.payload.to } }],
  }),
  'deployment.deleted': (event) => ({
    nodes: [{ ...deploymentNode(event), attributes: { deleted: true } }],
  }),
  'batch_prediction.completed': (event) => {
    const { id, model, version, dataset_version_id, input_name, input_digest, output, rows } =
      event.payload
    const batch = { kind: 'batch_prediction', id: String(id) }
    const edges: LineageEdgeInput[] = []
    const scoredBy = versionNode(model, version)
    if (scoredBy) edges.push({ from: scoredBy, relation: 'scored', to: batch })
    const input =
      typeof dataset_version_id === 'string'
        ? { kind: 'dataset_version', id: dataset_version_id }
        : { kind: 'dataset', id: `${String(input_name)}@${String(input_digest)}` }
    edges.push({ from: input, relation: 'input_to', to: batch })
    return {
      nodes: [
        {
          ...batch,
          label: `batch ${String(output)}`,
          attributes: { output, rows, model, version },
        },
      ],
      edges,
    }
  },
}
