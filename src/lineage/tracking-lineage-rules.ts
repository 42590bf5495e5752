import type { StoredEvent } from '../events/index.js'
import type { LineageNodeInput, LineageRule, NodeRef } from './model.js'

/** The event's subject as a node: `run:4f0c…` → `{ kind: 'run', id: '4f0c…' }`. */
export function subjectRef(event: StoredEvent): NodeRef {
  const colon = event.subject.indexOf(':')
  return { kind: event.subject.slice(0, colon), id: event.subject.slice(colon + 1) }
}

function runNode(event: StoredEvent, attributes: Record<string, unknown>, label?: unknown) {
  return {
    ...subjectRef(event),
    label: typeof label === 'string' && label ? label : undefined,
    attributes,
  } satisfies LineageNodeInput
}

export interface LoggedDataset {
  readonly name: string
  readonly digest: string
  readonly source?: string
}

/** An MLflow dataset input is identified by name and digest (its content hash). */
export function datasetNode(dataset: LoggedDataset): LineageNodeInput {
  return {
    kind: 'dataset',
    id: `${dataset.name}@${dataset.digest}`,
    label: dataset.name,
    attributes: { digest: dataset.digest, source: dataset.source },
  }
}

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : []
}

/**
 * How the tracking context's events become lineage: runs are nodes, logged dataset and model
 * inputs are `input_to` the run, logged models (MLflow 3) are `produced` by their source run. The
 * shapes are tracking's event payloads (src/tracking/run-service.ts, run-inputs.ts,
 * logged-model-service.ts).
 */
export const trackingLineageRules: Readonly<Record<string, LineageRule>> = {
  'run.created': (event) => ({
    nodes: [
      runNode(
        event,
        { experiment_id: event.payload.experiment_id, status: 'RUNNING' },
        event.payload.run_name,
      ),
    ],
  }),
  'run.updated': (event) => ({
    nodes: [runNode(event, { status: event.payload.status }, event.payload.run_name)],
  }),
  'run.deleted': (event) => ({ nodes: [runNode(event, { lifecycle_stage: 'deleted' })] }),
  'run.restored': (event) => ({ nodes: [runNode(event, { lifecycle_stage: 'active' })] }),
  'run.inputs_logged': (event) => {
    const run = subjectRef(event)
    const datasets = list<LoggedDataset>(event.payload.datasets).map(datasetNode)
    const models = list<string>(event.payload.models).map((id) => ({ kind: 'logged_model', id }))
    return {
      nodes: datasets,
      edges: [...datasets, ...models].map((from) => ({
        from: { kind: from.kind, id: from.id },
        relation: 'input_to',
        to: run,
      })),
    }
  },
  'logged_model.created': (event) => {
    const model = subjectRef(event)
    const { source_run_id: runId, name, experiment_id, model_type } = event.payload
    return {
      nodes: [
        {
          ...model,
          label: typeof name === 'string' ? name : undefined,
          attributes: { experiment_id, model_type },
        },
      ],
      edges:
        typeof runId === 'string' && runId
          ? [{ from: { kind: 'run', id: runId }, relation: 'produced', to: model }]
          : [],
    }
  },
  'logged_model.finalized': (event) => ({
    nodes: [{ ...subjectRef(event), attributes: { status: event.payload.status } }],
  }),
  'logged_model.deleted': (event) => ({
    nodes: [{ ...subjectRef(event), attributes: { lifecycle_stage: 'deleted' } }],
  }),
  'run.outputs_logged': (event) => ({
    edges: list<string>(event.payload.models).map((id) => ({
      from: subjectRef(event),
      relation: 'produced',
      to: { kind: 'logged_model', id },
    })),
  }),
}
