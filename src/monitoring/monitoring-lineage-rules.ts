import type { StoredEvent } from '../events/index.js'
import type { LineageRule, NodeRef } from '../lineage/index.js'

function alertNode(event: StoredEvent): NodeRef {
  const { ruleId, firedAtMs } = event.payload
  return { kind: 'alert', id: `${String(ruleId)}@${String(firedAtMs)}` }
}

const deployment = (name: unknown): NodeRef => ({ kind: 'deployment', id: String(name) })

/**
 * How monitoring's events become lineage: a deployment is `monitored_by` its monitors, a monitor
 * `raised` each firing of its alerts, and a firing `triggered` the retraining run it started
 * (that edge comes from the run's `triggeredBy`), `rolled_back` or `pinned` a deployment.
 * Payload shapes: monitor-service.ts, alert-service.ts, alert-action-runner.ts.
 */
export const monitoringLineageRules: Readonly<Record<string, LineageRule>> = {
  'monitor.created': (event) => {
    const monitor = { kind: 'monitor', id: String(event.payload.id) }
    return {
      nodes: [{ ...monitor, label: `${String(event.payload.kind)} monitor` }],
      edges: [
        { from: deployment(event.payload.deployment), relation: 'monitored_by', to: monitor },
      ],
    }
  },
  'alert.fired': (event) => {
    if (typeof event.payload.firedAtMs !== 'number') return {}
    const alert = alertNode(event)
    const { metric, op, threshold, value } = event.payload
    return {
      nodes: [
        {
          ...alert,
          label: `${String(metric)} ${String(op)} ${String(threshold)}`,
          attributes: { metric, value, threshold },
        },
      ],
      edges: [
        {
          from: { kind: 'monitor', id: String(event.payload.monitorId) },
          relation: 'raised',
          to: alert,
        },
      ],
    }
  },
  'alert.action_taken': (event) => {
    const { action, status } = event.payload as { action?: { kind?: string }; status?: string }
    if (status !== 'succeeded' || action?.kind === 'retrain') return {}
    const relation = action?.kind === 'rollback' ? 'rolled_back' : 'pinned'
    return {
      edges: [{ from: alertNode(event), relation, to: deployment(event.payload.deployment) }],
    }
  },
}
