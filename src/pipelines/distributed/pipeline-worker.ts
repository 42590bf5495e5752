import { hostname } from 'node:os'
import { newHexId } from '../../shared/ids.js'
import { executeClaimed } from '../run/execute-step.js'
import { reapExpired } from '../run/reap-expired.js'
import { pipelineDb, type ExecutorDeps, type RunContext } from '../run/run-context.js'
import type { Dispatch } from '../run/settle-step.js'
import { claimStep } from '../run/step-transitions.js'
import type { FetchedJob, StepQueue } from './step-queue.js'

/** How a worker runs. */
export interface WorkerOptions {
  /** Steps run at once (default 4). */
  readonly concurrency?: number
  /** Longest pause between fetches when the queue is empty (default 100 ms). */
  readonly maxIdleMs?: number
  /** How long its claims hold without a heartbeat (default: the context's, 30 s). */
  readonly leaseMs?: number
  /** Told about errors that do not belong to a step (a fetch that failed, say). */
  readonly onError?: (err: unknown) => void
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * A `lathe worker`: pulls steps from the queue, claims each in `step_runs`, runs it, and queues
 * the steps it readies in the same transaction that records it (no central coordinator). It also
 * reaps steps whose worker died: re-queued when idempotent, failed otherwise.
 */
export class PipelineWorker {
  /** Recorded on the steps it runs: host, process and a random part. */
  readonly id = `${hostname()}:${process.pid}:${newHexId().slice(0, 6)}`
  readonly #dispatch: Dispatch
  readonly #concurrency: number
  readonly #maxIdleMs: number
  readonly #onError: (err: unknown) => void
  #active = 0
  #stopping = false
  #loop: Promise<void> | undefined
  #reaper: NodeJS.Timeout | undefined
  #slotFreed: (() => void) | undefined
  readonly #inFlight = new Set<Promise<void>>()

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly queue: StepQueue,
    private readonly loadRun: (runId: string) => Promise<RunContext>,
    options: WorkerOptions = {},
  ) {
    this.#concurrency = options.concurrency ?? 4
    this.#maxIdleMs = options.maxIdleMs ?? 100
    this.#onError = options.onError ?? (() => {})
    this.#dispatch = (trx, runId, steps) =>
      queue.enqueue(
        trx,
        steps.map((step) => ({ runId, step })),
      )
  }

  /** Starts pulling steps and reaping lost ones. */
  start(): void {
    if (this.#loop) return
    this.#loop = this.#run()
    this.#reaper = setInterval(
      () => {
        reapExpired(this.deps, this.#dispatch).catch(this.#onError)
      },
      Math.max(100, Math.floor(this.deps.leaseMs / 2)),
    )
  }

  /** Stops pulling and waits for the steps in flight to finish. */
  async stop(): Promise<void> {
    this.#stopping = true
    clearInterval(this.#reaper)
    this.#slotFreed?.()
    await this.#loop
    await Promise.all(this.#inFlight)
  }

  async #run(): Promise<void> {
    let idleMs = 1
    while (!this.#stopping) {
      const free = this.#concurrency - this.#active
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve))
        continue
      }
      let jobs: FetchedJob[]
      try {
        jobs = await this.queue.fetch(free)
      } catch (err) {
        this.#onError(err)
        await sleep(500)
        continue
      }
      if (jobs.length === 0) {
        // Short sleeps while work flows, longer ones when the queue stays empty.
        await sleep(idleMs)
        idleMs = Math.min(idleMs * 2, this.#maxIdleMs)
        continue
      }
      idleMs = 1
      this.#handle(jobs)
    }
  }

  #track(work: Promise<void>): void {
    this.#active++
    this.#inFlight.add(work)
    void work.finally(() => {
      this.#active--
      this.#inFlight.delete(work)
      this.#slotFreed?.()
      this.#slotFreed = undefined
    })
  }

  /** Claims a batch, acknowledges it with one write, and runs what it claimed. */
  #handle(jobs: readonly FetchedJob[]): void {
    const claims = jobs.map((job) => this.#claim(job))
    for (const claimed of claims) {
      this.#track(
        claimed
          .then((c) =>
            c?.claim ? executeClaimed(this.deps, c.run, c.claim, this.#dispatch) : undefined,
          )
          .then(() => undefined, this.#onError),
      )
    }
    // Acknowledged once claimed (or found taken): from here the lease, not pg-boss, holds it.
    // A job whose claim failed is not: pg-boss delivers it again after it expires.
    void Promise.all(claims)
      .then((results) => this.queue.complete(results.flatMap((r) => (r ? [r.jobId] : []))))
      .catch(this.#onError)
  }

  async #claim(job: FetchedJob) {
    try {
      const run = await this.loadRun(job.data.runId)
      const claim = await claimStep(pipelineDb(this.deps), job.data, this.id, {
        nowMs: this.deps.clock.nowMs(),
        leaseMs: this.deps.leaseMs,
      })
      return { jobId: job.id, run, claim }
    } catch (err) {
      this.#onError(err)
      return undefined
    }
  }
}
