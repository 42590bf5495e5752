import type { LineageEdgeInput, LineageRule } from './model.js'
import { subjectRef } from './tracking-lineage-rules.js'

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}

/**
 * How the registry's events become lineage: a model version is `produced` by the run it came
 * from, and a logged model is `registered_as` it. The shapes are the registry's event payloads
 * (src/registry/model-version-service.ts, version-writes.ts).
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
    return {
      nodes: [{ ...version, label, attributes: { name, version: number, source, stage: 'None' } }],
      edges,
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
