import type { StoredEvent } from '../events/index.js'
import type { LineageEdgeInput, LineageRule, NodeRef } from '../lineage/index.js'

function runRef(event: StoredEvent): NodeRef {
  return { kind: 'pipeline_run', id: event.subject.slice(event.subject.indexOf(':') + 1) }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}

function refs(value: unknown): NodeRef[] {
  if (!Array.isArray(value)) return []
  return value
    .filter(
      (v): v is NodeRef =>
        !!v && typeof v === 'object' && typeof v.kind === 'string' && typeof v.id === 'string',
    )
    .map((v) => ({ kind: v.kind, id: v.id }))
}

/**
 * How the pipelines context's events become lineage: a pipeline run is `tracked_as` its tracking
 * run and `ran_step` each step's tracking run; a step's inputs are `input_to` it, and it
 * `produced` (or, from the cache, `reused`) its outputs. What triggered a run `triggered` it.
 * The shapes are those of run/start-run.ts and run/settle-step.ts.
 */
export const pipelineLineageRules: Readonly<Record<string, LineageRule>> = {
  'pipeline_run.created': (event) => {
    const run = runRef(event)
    const { pipeline, trackingRunId, triggeredBy, rerunOf, executor, startedBy } = event.payload
    const edges: LineageEdgeInput[] = []
    if (text(trackingRunId))
      edges.push({
        from: run,
        relation: 'tracked_as',
        to: { kind: 'run', id: String(trackingRunId) },
      })
    const trigger = text(triggeredBy)
    if (trigger && trigger.includes(':'))
      edges.push({
        from: {
          kind: trigger.slice(0, trigger.indexOf(':')),
          id: trigger.slice(trigger.indexOf(':') + 1),
        },
        relation: 'triggered',
        to: run,
      })
    if (text(rerunOf))
      edges.push({
        from: { kind: 'pipeline_run', id: String(rerunOf) },
        relation: 'rerun_as',
        to: run,
      })
    return {
      nodes: [
        {
          ...run,
          label: text(pipeline) ? `${String(pipeline)} run` : undefined,
          attributes: { pipeline, executor, started_by: startedBy, status: 'running' },
        },
      ],
      edges,
    }
  },
  'pipeline_step.finished': (event) => {
    const stepRun = text(event.payload.trackingRunId)
    if (!stepRun) return {}
    const run: NodeRef = { kind: 'run', id: stepRun }
    const { step, status } = event.payload
    const made = status === 'cached' ? 'reused' : 'produced'
    return {
      edges: [
        { from: runRef(event), relation: 'ran_step', to: run, attributes: { step, status } },
        ...refs(event.payload.inputs).map((input) => ({
          from: input,
          relation: 'input_to',
          to: run,
        })),
        ...refs(event.payload.outputs).map((output) => ({ from: run, relation: made, to: output })),
      ],
    }
  },
  'pipeline_run.finished': (event) => ({
    nodes: [{ ...runRef(event), attributes: { status: event.payload.status } }],
  }),
  'pipeline_run.cancelled': (event) => ({
    nodes: [{ ...runRef(event), attributes: { status: 'cancelled' } }],
  }),
}
