import { CompiledQuery } from 'kysely'
import type PgBoss from 'pg-boss'
import type { AnyKysely } from '../../store/index.js'

/** The pg-boss queue steps travel on. */
export const STEP_QUEUE = 'lathe-pipeline-steps'

/** A step to run: which one, of which run. Claims decide who runs it, so duplicates are harmless. */
export interface StepJob {
  readonly runId: string
  readonly step: string
}

/** A fetched job: acknowledge it once the step is claimed (or found taken). */
export interface FetchedJob {
  readonly id: string
  readonly data: StepJob
}

/**
 * Steps on PostgreSQL through pg-boss. Jobs are inserted in the transaction that made the step
 * ready, so a step is queued exactly when that commit happens. A job only delivers: ownership
 * lives in `step_runs` (claim, lease, conditional completion).
 */
export class StepQueue {
  private constructor(private readonly boss: PgBoss) {}

  /** Connects (installing pg-boss's schema on first use) and creates the queue. */
  static async open(url: string): Promise<StepQueue> {
    // Loaded lazily: only PostgreSQL deployments pay for pg-boss.
    // pg-boss is CommonJS (`export =`): its class arrives as the module's default.
    const Boss = ((await import('pg-boss')) as unknown as { default: typeof PgBoss }).default
    const boss = new Boss({
      connectionString: url,
      max: 3,
      schedule: false,
      // A job fetched by a worker that died before claiming it is delivered again after this.
      maintenanceIntervalSeconds: 30,
    })
    boss.on('error', () => undefined) // Maintenance errors are retried by pg-boss itself.
    await boss.start()
    await createQueueOnce(boss)
    return new StepQueue(boss)
  }

  /** Queues steps inside the caller's transaction (so they are sent iff it commits). */
  async enqueue(trx: AnyKysely, jobs: readonly StepJob[]): Promise<void> {
    if (jobs.length === 0) return
    const db = {
      async executeSql(text: string, values: unknown[]) {
        const result = await trx.executeQuery(CompiledQuery.raw(text, values))
        return { rows: result.rows as unknown[] }
      },
    }
    await this.boss.insert(
      jobs.map((data) => ({ name: STEP_QUEUE, data, retryLimit: 5, expireInSeconds: 60 })),
      { db },
    )
  }

  /** Takes up to `count` jobs (none when the queue is empty). */
  async fetch(count: number): Promise<FetchedJob[]> {
    const jobs = await this.boss.fetch<StepJob>(STEP_QUEUE, { batchSize: count })
    return jobs.map((j) => ({ id: j.id, data: j.data }))
  }

  /** Acknowledges jobs; pg-boss forgets them. */
  async complete(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.boss.complete(STEP_QUEUE, [...ids])
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, close: true, wait: true })
  }
}

/**
 * Creates the step queue unless it exists. Workers starting together race to create it, and
 * PostgreSQL may answer one of them with a deadlock (40P01) or a unique violation; the loser
 * waits briefly and looks again, since the winner's queue is what it wanted.
 */
async function createQueueOnce(boss: PgBoss, attempts = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(STEP_QUEUE)) return
    try {
      await boss.createQueue(STEP_QUEUE, { name: STEP_QUEUE, retryLimit: 5, expireInSeconds: 60 })
      return
    } catch (err) {
      if (attempt >= attempts) throw err
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100))
    }
  }
}
