import { randomBytes } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { newHexId } from '../shared/ids.js'
import { checkActions, type AlertAction } from './alert-action.js'
import type { MonitoringDeps } from './deps.js'
import type { Monitor, MonitorPoint, Window } from './monitor.js'
import type { MonitoringTables } from './schema.js'
import { enqueueDeliveries } from './webhook-outbox.js'

/** Input of {@link AlertService.createRule}. */
export interface CreateAlertRule {
  readonly monitorId: string
  readonly metric: string
  readonly op: 'above' | 'below'
  readonly threshold: number
  /** Consecutive breaching windows before it fires (default 1). */
  readonly forWindows?: number | undefined
  readonly webhooks?: readonly string[] | undefined
  /** HMAC-SHA256 key of the signature header; generated when absent. */
  readonly secret?: string | undefined
  /** What to do, once per firing (retrain, roll back, pin a safe version). */
  readonly actions?: readonly AlertAction[] | undefined
}

/** An alert rule on one monitored series. */
export interface AlertRule {
  readonly id: string
  readonly monitorId: string
  readonly metric: string
  readonly op: 'above' | 'below'
  readonly threshold: number
  readonly forWindows: number
  readonly webhooks: string[]
  readonly secret: string
  readonly actions: AlertAction[]
  readonly createdAtMs: number
  readonly createdBy: string
}

/** The current state of a rule's alert. */
export interface AlertState {
  readonly ruleId: string
  readonly state: 'ok' | 'firing' | 'resolved'
  readonly breaches: number
  readonly firedAtMs: number | undefined
  readonly resolvedAtMs: number | undefined
  readonly lastValue: number | undefined
  readonly lastWindowEndMs: number
}

type RuleRow = Selectable<MonitoringTables['alert_rules']>
type StateRow = Selectable<MonitoringTables['alerts']>

function toRule(r: RuleRow): AlertRule {
  return {
    id: r.id,
    monitorId: r.monitor_id,
    metric: r.metric,
    op: r.op as AlertRule['op'],
    threshold: Number(r.threshold),
    forWindows: Number(r.for_windows),
    webhooks: JSON.parse(r.webhooks) as string[],
    secret: r.secret,
    actions: JSON.parse(r.actions) as AlertAction[],
    createdAtMs: Number(r.created_at),
    createdBy: r.created_by,
  }
}

function toState(r: StateRow): AlertState {
  return {
    ruleId: r.rule_id,
    state: r.state as AlertState['state'],
    breaches: Number(r.breaches),
    firedAtMs: r.fired_at == null ? undefined : Number(r.fired_at),
    resolvedAtMs: r.resolved_at == null ? undefined : Number(r.resolved_at),
    lastValue: r.last_value == null ? undefined : Number(r.last_value),
    lastWindowEndMs: Number(r.last_window_end),
  }
}

function checkRule(input: CreateAlertRule): void {
  if (input.op !== 'above' && input.op !== 'below')
    throw new InvalidParameterError("op must be 'above' or 'below'")
  if (!Number.isFinite(input.threshold))
    throw new InvalidParameterError('threshold must be a finite number')
  const n = input.forWindows ?? 1
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidParameterError('forWindows must be an integer of at least 1')
  for (const url of input.webhooks ?? []) {
    if (!/^https?:\/\//.test(url))
      throw new InvalidParameterError(`webhook '${url}' must be an http(s) URL`)
  }
  checkActions(input.actions ?? [])
}

/**
 * Alert rules on monitored series: a rule fires after `forWindows` consecutive breaching windows
 * and resolves on the first window that does not breach. One state row per rule deduplicates:
 * a firing alert does not fire again, and a window evaluated twice counts once.
 */
export class AlertService {
  constructor(private readonly deps: MonitoringDeps) {}

  get #db(): Kysely<MonitoringTables> {
    return this.deps.store.db<MonitoringTables>()
  }

  /** Adds a rule. @throws NotFoundError for an unknown monitor */
  async createRule(input: CreateAlertRule): Promise<AlertRule> {
    checkRule(input)
    if (input.actions?.length && !this.deps.actuators)
      throw new InvalidParameterError('alert actions need the pipelines and serving contexts')
    const monitor = await this.#db
      .selectFrom('monitors')
      .select('id')
      .where('id', '=', input.monitorId)
      .executeTakeFirst()
    if (!monitor) throw new NotFoundError(`monitor '${input.monitorId}' does not exist`)
    const row = {
      id: newHexId(),
      monitor_id: input.monitorId,
      metric: input.metric,
      op: input.op,
      threshold: input.threshold,
      for_windows: input.forWindows ?? 1,
      webhooks: JSON.stringify(input.webhooks ?? []),
      secret: input.secret ?? randomBytes(32).toString('hex'),
      actions: JSON.stringify(input.actions ?? []),
      created_at: this.deps.clock.nowMs(),
      created_by: currentActor(),
    }
    await this.deps.store.transaction<MonitoringTables, void>(async (trx) => {
      await trx.insertInto('alert_rules').values(row).execute()
      const { secret: _secret, ...payload } = row
      const event = {
        type: 'alert_rule.created',
        subject: `alert_rule:${row.id}`,
        payload,
        actor: row.created_by,
      }
      await appendEvents(trx, [event], row.created_at)
    })
    return toRule(row)
  }

  /** Rules, of one monitor when given. */
  async rules(monitorId?: string): Promise<AlertRule[]> {
    let q = this.#db.selectFrom('alert_rules').selectAll()
    if (monitorId !== undefined) q = q.where('monitor_id', '=', monitorId)
    return (await q.orderBy('created_at').orderBy('id').execute()).map(toRule)
  }

  /** Alert states, firing ones or all. */
  async states(options: { firingOnly?: boolean } = {}): Promise<AlertState[]> {
    let q = this.#db.selectFrom('alerts').selectAll()
    if (options.firingOnly) q = q.where('state', '=', 'firing')
    return (await q.orderBy('rule_id').execute()).map(toState)
  }

  /** Evaluates a monitor's rules on a window's points, in the caller's transaction. */
  async evaluate(
    trx: Transaction<MonitoringTables>,
    monitor: Monitor,
    window: Window,
    points: readonly MonitorPoint[],
  ): Promise<void> {
    const rules = await trx
      .selectFrom('alert_rules')
      .selectAll()
      .where('monitor_id', '=', monitor.id)
      .execute()
    for (const rule of rules.map(toRule)) {
      const point = points.find((p) => p.metric === rule.metric)
      if (point) await this.#step(trx, monitor, rule, window, point.value)
    }
  }

  async #step(
    trx: Transaction<MonitoringTables>,
    monitor: Monitor,
    rule: AlertRule,
    window: Window,
    value: number,
  ): Promise<void> {
    const prev = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('rule_id', '=', rule.id)
      .executeTakeFirst()
    const state = prev ? toState(prev) : undefined
    if (state && window.endMs <= state.lastWindowEndMs) return
    const breach = rule.op === 'above' ? value > rule.threshold : value < rule.threshold
    const breaches = breach ? (state?.breaches ?? 0) + 1 : 0
    const now = this.deps.clock.nowMs()
    let next: AlertState['state'] = state?.state ?? 'ok'
    if (breach && breaches >= rule.forWindows && next !== 'firing') next = 'firing'
    else if (!breach && next === 'firing') next = 'resolved'
    const changed = next !== (state?.state ?? 'ok')
    const row = {
      rule_id: rule.id,
      state: next,
      breaches,
      fired_at: changed && next === 'firing' ? now : (prev?.fired_at ?? null),
      resolved_at: changed && next === 'resolved' ? now : (prev?.resolved_at ?? null),
      last_value: value,
      last_window_end: window.endMs,
    }
    if (prev) await trx.updateTable('alerts').set(row).where('rule_id', '=', rule.id).execute()
    else await trx.insertInto('alerts').values(row).execute()
    if (changed && next !== 'ok') await this.#announce(trx, monitor, rule, window, value, next, now)
  }

  async #announce(
    trx: Transaction<MonitoringTables>,
    monitor: Monitor,
    rule: AlertRule,
    window: Window,
    value: number,
    state: 'firing' | 'resolved',
    now: number,
  ): Promise<void> {
    const type = state === 'firing' ? 'alert.fired' : 'alert.resolved'
    const payload = {
      ruleId: rule.id,
      monitorId: monitor.id,
      deployment: monitor.deployment,
      metric: rule.metric,
      op: rule.op,
      threshold: rule.threshold,
      value,
      windowStartMs: window.startMs,
      windowEndMs: window.endMs,
      state,
      // The firing's id (with the rule): actions, lineage and audit name the alert by it.
      ...(state === 'firing' ? { firedAtMs: now } : {}),
    }
    await appendEvents(
      trx,
      [{ type, subject: `alert_rule:${rule.id}`, payload, actor: currentActor() }],
      now,
    )
    await enqueueDeliveries(trx, rule.webhooks, { type, ...payload }, rule.secret, now)
  }
}
