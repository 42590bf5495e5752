import { setImmediate as nextTurn } from 'node:timers/promises'
import type { LoggedRequest } from '../serving/index.js'
import type { MonitorService, WindowReader } from './monitor-service.js'
import type { WebhookOutbox } from './webhook-outbox.js'
import type { Clock } from '../shared/clock.js'

/**
 * A small interval runner: each tick runs every monitor's windows that have closed since its
 * last stored one (aligned to multiples of its window length, at most `catchUp` per tick), then
 * sends due webhooks. Swappable for the pipelines scheduler once it can run arbitrary jobs.
 */
export class MonitorScheduler {
  #timer: NodeJS.Timeout | undefined
  #ticking: Promise<void> | undefined
  /** Errors of the last tick, per monitor id (a failing monitor does not stop the others). */
  readonly errors = new Map<string, string>()

  constructor(
    private readonly monitors: MonitorService,
    private readonly webhooks: WebhookOutbox,
    private readonly clock: Clock,
    private readonly catchUp = 10,
  ) {}

  /** Ticks every `intervalMs` until {@link stop}. */
  start(intervalMs: number): void {
    if (this.#timer) return
    this.#timer = setInterval(() => void this.tick(), intervalMs)
    this.#timer.unref()
  }

  /** Runs the windows due now; a tick already under way is awaited instead of doubled. */
  async tick(): Promise<void> {
    if (!this.#ticking) this.#ticking = this.#tick().finally(() => (this.#ticking = undefined))
    await this.#ticking
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#ticking
  }

  async #tick(): Promise<void> {
    const now = this.clock.nowMs()
    // Monitors of one deployment with one window length read each window once per tick.
    const reads = new Map<string, Promise<LoggedRequest[]>>()
    const read: WindowReader = (deployment, w) => {
      const key = `${deployment}\u0000${w.startMs}\u0000${w.endMs}`
      let rows = reads.get(key)
      if (!rows) reads.set(key, (rows = this.monitors.readWindow(deployment, w)))
      return rows
    }
    for (const monitor of await this.monitors.list()) {
      try {
        const w = monitor.windowMs
        const last = await this.monitors.lastWindowEnd(monitor.id)
        let start = last ?? Math.floor(monitor.createdAtMs / w) * w
        for (let i = 0; i < this.catchUp && start + w <= now; i++, start += w) {
          await this.monitors.run(monitor.id, { startMs: start, endMs: start + w }, read)
          // Let requests waiting on this process run between windows.
          await nextTurn()
        }
        this.errors.delete(monitor.id)
      } catch (err) {
        this.errors.set(monitor.id, err instanceof Error ? err.message : String(err))
      }
    }
    await this.webhooks.deliverDue()
  }
}
