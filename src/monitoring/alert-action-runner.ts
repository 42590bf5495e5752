import type { Kysely } from 'kysely'
import { appendEvents, type StoredEvent } from '../events/index.js'
import { runAs } from '../shared/actor.js'
import type { MonitoringDeps } from './deps.js'
import { alertId, type AlertAction, type AlertActuators } from './alert-action.js'
import type { MonitoringTables } from './schema.js'

/** The durable subscriber name: keep it stable, it stores the position in the outbox. */
const SUBSCRIBER = 'monitoring-alert-actions'

/** Who takes alert actions, as the audit log shows them. */
export const MONITOR_ACTOR = 'lathe-monitor'

/** An action taken (or tried) on a firing. */
export interface TakenAction {
  readonly ruleId: string
  readonly firedAtMs: number
  readonly index: number
  readonly kind: AlertAction['kind']
  readonly status: 'started' | 'succeeded' | 'failed'
  /** The pipeline run started, or the deployment touched. */
  readonly target: string | undefined
  readonly error: string | undefined
  readonly createdAtMs: number
}

interface Firing {
  readonly ruleId: string
  readonly firedAtMs: number
  readonly deployment: string
  readonly monitorId: string
  readonly metric: string
  readonly value: number
}

function firingOf(event: StoredEvent): Firing | undefined {
  const p = event.payload
  if (typeof p.ruleId !== 'string' || typeof p.firedAtMs !== 'number') return undefined
  return {
    ruleId: p.ruleId,
    firedAtMs: p.firedAtMs,
    deployment: String(p.deployment),
    monitorId: String(p.monitorId),
    metric: String(p.metric),
    value: Number(p.value),
  }
}

/**
 * Carries out a rule's actions when its alert fires, fed by `alert.fired` from the outbox. Each
 * (rule, firing, action) is claimed by inserting its row first, so a redelivered event or a second
 * process never retrains twice for one firing; the outcome is an `alert.action_taken` event, which
 * the audit log records with the alert that caused it.
 *
 * Only a process that serves (`lathe server`, the quickstart) takes actions: a short-lived
 * command that happens to drain the outbox (`lathe audit log`) must not start a retraining run
 * and exit. Until {@link start}, a firing is left in the outbox for such a process.
 */
export class AlertActionRunner {
  #isActive = false

  constructor(
    private readonly deps: MonitoringDeps,
    private readonly actuators: AlertActuators,
  ) {
    // From the start, so a firing before this process first read the outbox is not skipped;
    // only firings still current are acted on (see #onFired).
    deps.events.subscribe(SUBSCRIBER, (event) => this.#onFired(event), {
      types: ['alert.fired'],
      fromStart: true,
    })
  }

  /** Takes actions from now on in this process. */
  start(): void {
    this.#isActive = true
  }

  get #db(): Kysely<MonitoringTables> {
    return this.deps.store.db<MonitoringTables>()
  }

  /** Actions taken, newest first, of one rule when given. */
  async list(ruleId?: string): Promise<TakenAction[]> {
    let q = this.#db.selectFrom('alert_actions').selectAll()
    if (ruleId !== undefined) q = q.where('rule_id', '=', ruleId)
    const rows = await q.orderBy('created_at', 'desc').orderBy('action_index').execute()
    return rows.map((r) => ({
      ruleId: r.rule_id,
      firedAtMs: Number(r.fired_at),
      index: Number(r.action_index),
      kind: r.kind as AlertAction['kind'],
      status: r.status as TakenAction['status'],
      target: r.target ?? undefined,
      error: r.error ?? undefined,
      createdAtMs: Number(r.created_at),
    }))
  }

  async #onFired(event: StoredEvent): Promise<void> {
    const firing = firingOf(event)
    if (!firing) return
    const rule = await this.#db
      .selectFrom('alert_rules')
      .select('actions')
      .where('id', '=', firing.ruleId)
      .executeTakeFirst()
    const actions = rule ? (JSON.parse(rule.actions) as AlertAction[]) : []
    if (actions.length === 0 || !(await this.#isCurrent(firing))) return
    // Throwing keeps the subscriber's position before the event, so it is delivered again.
    if (!this.#isActive) throw new Error('alert actions are taken by a serving Lathe process')
    for (const [index, action] of actions.entries()) {
      if (await this.#claim(firing, index, action)) {
        await runAs(MONITOR_ACTOR, () => this.#take(firing, index, action))
      }
    }
  }

  /** Whether the rule is still firing from this firing: an old or resolved one needs nothing. */
  async #isCurrent(firing: Firing): Promise<boolean> {
    const state = await this.#db
      .selectFrom('alerts')
      .select(['state', 'fired_at'])
      .where('rule_id', '=', firing.ruleId)
      .executeTakeFirst()
    return state?.state === 'firing' && Number(state.fired_at) === firing.firedAtMs
  }

  async #claim(firing: Firing, index: number, action: AlertAction): Promise<boolean> {
    const res = await this.#db
      .insertInto('alert_actions')
      .values({
        rule_id: firing.ruleId,
        fired_at: firing.firedAtMs,
        action_index: index,
        kind: action.kind,
        status: 'started',
        target: null,
        error: null,
        created_at: this.deps.clock.nowMs(),
      })
      .onConflict((oc) => oc.columns(['rule_id', 'fired_at', 'action_index']).doNothing())
      .executeTakeFirst()
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0
  }

  async #take(firing: Firing, index: number, action: AlertAction): Promise<void> {
    const id = alertId(firing.ruleId, firing.firedAtMs)
    const why = `alert ${id}: ${firing.metric} = ${firing.value} on ${firing.deployment}`
    let target: string | undefined = firing.deployment
    let error: string | undefined
    try {
      if (action.kind === 'retrain') {
        target = await this.actuators.retrain(action.pipeline, action.params ?? {}, `alert:${id}`)
      } else if (action.kind === 'rollback') {
        await this.actuators.rollback(firing.deployment, `Rolled back on ${why}`)
      } else {
        await this.actuators.pin(firing.deployment, action.version)
      }
    } catch (err) {
      // Recorded, not retried: the next firing of the rule tries again.
      error = err instanceof Error ? err.message : String(err)
    }
    await this.#settle(firing, index, action, target, error)
  }

  async #settle(
    firing: Firing,
    index: number,
    action: AlertAction,
    target: string | undefined,
    error: string | undefined,
  ): Promise<void> {
    const now = this.deps.clock.nowMs()
    const status = error === undefined ? 'succeeded' : 'failed'
    const id = alertId(firing.ruleId, firing.firedAtMs)
    await this.deps.store.transaction<MonitoringTables, void>(async (trx) => {
      await trx
        .updateTable('alert_actions')
        .set({ status, target: target ?? null, error: error ?? null })
        .where('rule_id', '=', firing.ruleId)
        .where('fired_at', '=', firing.firedAtMs)
        .where('action_index', '=', index)
        .execute()
      const payload = { alertId: id, ...firing, index, action, status, target, error }
      const event = { type: 'alert.action_taken', subject: `alert:${id}`, payload }
      await appendEvents(trx, [{ ...event, actor: MONITOR_ACTOR }], now)
    })
  }
}
