import type { Kysely, Selectable } from 'kysely'
import { appendEvents, type DomainEvent } from '../events/index.js'
import type { LoggedRequest } from '../serving/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { newHexId } from '../shared/ids.js'
import type { AlertService } from './alert-service.js'
import type { MonitoringDeps, ReferenceProfiles } from './deps.js'
import { driftPoints } from './drift-points.js'
import type { FeedbackService } from './feedback-service.js'
import {
  MONITOR_KINDS,
  type Monitor,
  type MonitorKind,
  type MonitorPoint,
  type MonitorResult,
  type MonitorSpec,
  type Window,
} from './monitor.js'
import { operationalPoints } from './operational-points.js'
import { performancePoints } from './performance-points.js'
import { qualityPoints } from './quality-points.js'
import type { MonitoringTables } from './schema.js'

/** Input of {@link MonitorService.create}. */
export interface CreateMonitor {
  readonly deployment: string
  readonly kind: MonitorKind
  readonly windowMs: number
  readonly spec?: MonitorSpec | undefined
}

/** Reads a deployment's log rows in a window: monitors of one deployment may share one read. */
export type WindowReader = (deployment: string, window: Window) => Promise<LoggedRequest[]>

/** Filters of {@link MonitorService.results}. */
export interface ResultQuery {
  readonly metric?: string | undefined
  readonly fromMs?: number | undefined
  readonly toMs?: number | undefined
  readonly limit?: number | undefined
}

// Log rows read per window at most: a window past this is monitored on its first rows only.
const MAX_WINDOW_ROWS = 100_000

function toMonitor(r: Selectable<MonitoringTables['monitors']>): Monitor {
  return {
    id: r.id,
    deployment: r.deployment,
    kind: r.kind as MonitorKind,
    spec: JSON.parse(r.spec) as MonitorSpec,
    windowMs: Number(r.window_ms),
    createdAtMs: Number(r.created_at),
    createdBy: r.created_by,
  }
}

/** Monitor definitions, and runs that turn a window of the inference log into a time series. */
export class MonitorService {
  constructor(
    private readonly deps: MonitoringDeps,
    private readonly feedback: FeedbackService,
    private readonly alerts: AlertService,
  ) {}

  get #db(): Kysely<MonitoringTables> {
    return this.deps.store.db<MonitoringTables>()
  }

  /** Defines a monitor. @throws NotFoundError for an unknown deployment */
  async create(input: CreateMonitor): Promise<Monitor> {
    if (!MONITOR_KINDS.includes(input.kind)) {
      throw new InvalidParameterError(`kind must be one of ${MONITOR_KINDS.join(', ')}`)
    }
    if (!Number.isInteger(input.windowMs) || input.windowMs < 1000) {
      throw new InvalidParameterError('windowMs must be an integer of at least 1000')
    }
    const served = await this.deps.serving.deployment(input.deployment)
    if (input.kind === 'quality') {
      if (!input.spec?.contract)
        throw new InvalidParameterError('a quality monitor needs spec.contract (a stored contract)')
      await this.#references().contract(input.spec.contract)
    }
    if (input.kind === 'drift' && !input.spec?.reference) {
      // Checked now so a monitor that could never run is refused, not stored.
      const found = await this.deps.references?.trainingReference(served.model, served.version)
      if (found === undefined)
        throw new InvalidParameterError(
          `a drift monitor needs spec.reference: ${served.model} v${served.version} records no training dataset`,
        )
    }
    const row = {
      id: newHexId(),
      deployment: input.deployment,
      kind: input.kind,
      spec: JSON.stringify(input.spec ?? {}),
      window_ms: input.windowMs,
      created_at: this.deps.clock.nowMs(),
      created_by: currentActor(),
    }
    await this.deps.store.transaction<MonitoringTables, void>(async (trx) => {
      await trx.insertInto('monitors').values(row).execute()
      const event = { type: 'monitor.created', subject: `monitor:${row.id}`, actor: row.created_by }
      await appendEvents(trx, [{ ...event, payload: { ...row } }], row.created_at)
    })
    return toMonitor(row)
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<Monitor> {
    const row = await this.#db
      .selectFrom('monitors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`monitor '${id}' does not exist`)
    return toMonitor(row)
  }

  /** Monitors, of one deployment when given. */
  async list(deployment?: string): Promise<Monitor[]> {
    let q = this.#db.selectFrom('monitors').selectAll()
    if (deployment !== undefined) q = q.where('deployment', '=', deployment)
    return (await q.orderBy('created_at').orderBy('id').execute()).map(toMonitor)
  }

  /**
   * Computes a monitor over `[startMs, endMs)` of its deployment's inference log, stores every
   * point as a time-series row, evaluates the monitor's alert rules, and emits
   * `monitor.drift_detected` when any feature drifted — all in one transaction.
   */
  async run(
    id: string,
    window: Window,
    read: WindowReader = (deployment, w) => this.readWindow(deployment, w),
  ): Promise<MonitorResult[]> {
    if (!(window.endMs > window.startMs)) {
      throw new InvalidParameterError('window end must be after its start')
    }
    const monitor = await this.get(id)
    const rows = await read(monitor.deployment, window)
    const points = await this.#compute(monitor, rows, window)
    const now = this.deps.clock.nowMs()
    const results = points.map((p) => ({
      ...p,
      monitorId: id,
      windowStartMs: window.startMs,
      windowEndMs: window.endMs,
      computedAtMs: now,
    }))
    await this.deps.store.transaction<MonitoringTables, void>(async (trx) => {
      if (results.length > 0)
        await trx.insertInto('monitor_results').values(results.map(toRow)).execute()
      await appendEvents(trx, driftEvents(monitor, window, points), now)
      await this.alerts.evaluate(trx, monitor, window, points)
    })
    return results
  }

  /** A monitor's stored series, oldest window first. */
  async results(id: string, query: ResultQuery = {}): Promise<MonitorResult[]> {
    await this.get(id)
    let q = this.#db.selectFrom('monitor_results').selectAll().where('monitor_id', '=', id)
    if (query.metric !== undefined) q = q.where('metric', '=', query.metric)
    if (query.fromMs !== undefined) q = q.where('window_end', '>', query.fromMs)
    if (query.toMs !== undefined) q = q.where('window_end', '<=', query.toMs)
    const rows = await q
      .orderBy('window_end')
      .orderBy('id')
      .limit(Math.min(query.limit ?? 1000, 10_000))
      .execute()
    return rows.map((r) => ({
      monitorId: r.monitor_id,
      windowStartMs: Number(r.window_start),
      windowEndMs: Number(r.window_end),
      metric: r.metric,
      value: Number(r.value),
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      computedAtMs: Number(r.computed_at),
    }))
  }

  /** Each monitor of a deployment with the points of its latest window (empty before a run). */
  async status(deployment: string): Promise<{ monitor: Monitor; latest: MonitorResult[] }[]> {
    const out = []
    for (const monitor of await this.list(deployment)) {
      const end = await this.lastWindowEnd(monitor.id)
      const latest =
        end === undefined ? [] : await this.results(monitor.id, { fromMs: end - 1, toMs: end })
      out.push({ monitor, latest })
    }
    return out
  }

  /** The end of the latest window run, if any (where the scheduler resumes). */
  async lastWindowEnd(id: string): Promise<number | undefined> {
    const row = await this.#db
      .selectFrom('monitor_results')
      .select((eb) => eb.fn.max('window_end').as('end'))
      .where('monitor_id', '=', id)
      .executeTakeFirst()
    return row?.end == null ? undefined : Number(row.end)
  }

  /** A deployment's log rows in the window (at most MAX_WINDOW_ROWS, the first ones). */
  async readWindow(deployment: string, window: Window): Promise<LoggedRequest[]> {
    const rows: LoggedRequest[] = []
    for (;;) {
      const page = await this.deps.serving.readLog({
        deployment,
        fromMs: window.startMs,
        toMs: window.endMs,
        afterId: rows.at(-1)?.id,
        limit: 10_000,
      })
      rows.push(...page)
      if (page.length < 10_000 || rows.length >= MAX_WINDOW_ROWS) return rows
    }
  }

  #references(): ReferenceProfiles {
    const references = this.deps.references
    if (!references)
      throw new InvalidParameterError('drift and quality monitors need the data context')
    return references
  }

  /** The dataset the deployment's stable version was trained on: it moves with each release. */
  async #trainingReference(deployment: string): Promise<string> {
    const { model, version } = await this.deps.serving.deployment(deployment)
    const ref = await this.deps.references?.trainingReference(model, version)
    if (ref === undefined)
      throw new InvalidParameterError(`${model} v${version} records no training dataset`)
    return ref
  }

  async #compute(monitor: Monitor, rows: LoggedRequest[], window: Window): Promise<MonitorPoint[]> {
    switch (monitor.kind) {
      case 'operational':
        return operationalPoints(rows, window)
      case 'performance':
        return performancePoints(rows, await this.feedback.forRequests(rows), monitor.spec)
      case 'quality':
        return qualityPoints(rows, await this.#references().contract(monitor.spec.contract ?? ''))
      case 'drift': {
        const references = this.#references()
        const ref = monitor.spec.reference ?? (await this.#trainingReference(monitor.deployment))
        const points = driftPoints(rows, await references.profile(ref), monitor.spec)
        return [...points, { metric: 'drift.reference', value: 1, detail: { reference: ref } }]
      }
    }
  }
}

function toRow(r: MonitorResult) {
  return {
    monitor_id: r.monitorId,
    window_start: r.windowStartMs,
    window_end: r.windowEndMs,
    metric: r.metric,
    value: r.value,
    detail: JSON.stringify(r.detail),
    computed_at: r.computedAtMs,
  }
}

function driftEvents(monitor: Monitor, window: Window, points: MonitorPoint[]): DomainEvent[] {
  const drifted = points
    .filter((p) => /^(drift|prediction)\..+\.drifted$/.test(p.metric) && p.value === 1)
    .map((p) => p.metric.replace(/\.drifted$/, ''))
  if (drifted.length === 0) return []
  const share = points.find((p) => p.metric === 'drift.share')?.value
  const payload = {
    monitorId: monitor.id,
    deployment: monitor.deployment,
    ...window,
    drifted,
    share,
  }
  return [
    {
      type: 'monitor.drift_detected',
      subject: `monitor:${monitor.id}`,
      payload,
      actor: currentActor(),
    },
  ]
}
