import type { LineageEdgeInput, LineageEffects, LineageRule, NodeRef } from './model.js'
import { datasetNode, subjectRef, type LoggedDataset } from './tracking-lineage-rules.js'

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}

/**
 * The datasets and commit a version's run recorded, as the version's event carries them: each
 * dataset `input_to` the run (the same edge tracking's rules draw, so the chain stands on this
 * event alone), and the code commit the version was `built_from`.
 */
function trainingEdges(
  version: NodeRef,
  runId: string | undefined,
  payload: Record<string, unknown>,
): LineageEffects {
  const datasets = Array.isArray(payload.datasets)
    ? (payload.datasets as LoggedDataset[])
        .filter((d) => text(d?.name) && text(d?.digest))
        .map(datasetNode)
    : []
  const commit = text(payload.git_commit)
  const nodes = [
    ...datasets,
    ...(commit ? [{ kind: 'commit', id: commit, label: commit.slice(0, 12) }] : []),
  ]
  const edges: LineageEdgeInput[] = [
    ...(runId
      ? datasets.map((d) => ({
          from: { kind: d.kind, id: d.id },
          relation: 'input_to',
          to: { kind: 'run', id: runId },
        }))
      : []),
    ...(commit
      ? [{ from: { kind: 'commit', id: commit }, relation: 'built_from', to: version }]
      : []),
  ]
  return { nodes, edges }
}

/**
 * How the registry's events become lineage: a model version is `produced` by the run it came
 * from, a logged model is `registered_as` it, the run's datasets are `input_to` the run and the
 * commit is what it was `built_from`, so "which data and code made this version" is one upstream
 * walk. The shapes are the registry's event payloads (src/registry/version-insert.ts,
 * version-writes.ts).
 */
export const registryLineageRules: Readonly<Record<string, LineageRule>> = {
  'model_version.created': (event) => {
    const version = subjectRef(event)
    const { name, version: number, source, run_id, model_id } = event.payload
    const runId = text(run_id)
    const modelId = text(model_id)
    const edges: LineageEdgeInput[] = [
      ...(runId ? [{ from: { kind: 'run', id: runId }, relation: 'produced', to: version }] : []),
      ...(modelId
        ? [{ from: { kind: 'logged_model', id: modelId }, relation: 'registered_as', to: version }]
        : []),
    ]
    const label =
      text(name) && number !== undefined ? `${String(name)} v${String(number)}` : undefined
    const training = trainingEdges(version, runId, event.payload)
    return {
      nodes: [
        { ...version, label, attributes: { name, version: number, source, stage: 'None' } },
        ...(training.nodes ?? []),
      ],
      edges: [...edges, ...(training.edges ?? [])],
    }
  },
  'model_version.stage_transitioned': (event) => ({
    nodes: [{ ...subjectRef(event), attributes: { stage: stageOf(event.payload.after) } }],
  }),
  'model_version.deleted': (event) => ({
    nodes: [{ ...subjectRef(event), attributes: { deleted: true } }],
  }),
}

function stageOf(after: unknown): unknown {
  return after && typeof after === 'object' ? (after as { stage?: unknown }).stage : undefined
}
