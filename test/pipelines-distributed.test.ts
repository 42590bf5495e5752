import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Config } from '../src/config.js'
import { readEvents } from '../src/events/index.js'
import { openLathe } from '../src/main.js'
import { StepQueue } from '../src/pipelines/distributed/step-queue.js'
import { testBackends } from './support/backends.js'

/*
 * Three real `lathe worker` processes on PostgreSQL share a 50-step run; one is SIGKILLed while
 * it runs steps. Every step must complete exactly once as recorded (one `done` line in the
 * journal, one succeeded row), none lost; a step that is not idempotent is failed, not rerun.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url))
const FANOUT = join(REPO, 'test/fixtures/pipelines/distributed/fanout.ts')
const ONCE = join(REPO, 'test/fixtures/pipelines/distributed/once.ts')
const postgres = testBackends.find((b) => b.name === 'postgres')

async function startWorker(config: Config): Promise<ChildProcess> {
  const db = config.database.kind === 'postgres' ? config.database.url : ''
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      '--home',
      config.home,
      '--db',
      db,
      'worker',
      '--concurrency',
      '4',
      '--lease-ms',
      '3000',
    ],
    { cwd: REPO, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('pulling pipeline steps')) resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`worker exited (${code}) before starting:\n${output}`)),
    )
  })
  return child
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill(signal)
  await exited
}

/** Lines of the journal as `[what, step, pid]`. */
function journal(path: string): [string, string, string][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ') as [string, string, string])
}

/**
 * Waits until `minimumDone` steps are done and a step starts (its `start` line is new since the
 * previous look, so nearly all of its sleep is still ahead), and returns the pid of the worker
 * running it. A step seen late in its sleep could end, with its whole layer, before the kill lands
 * on a loaded machine, leaving the victim nothing to lose.
 */
async function busyWorkerPid(path: string, minimumDone: number): Promise<number> {
  let seen = 0
  for (;;) {
    const lines = journal(path)
    const done = lines.filter(([what]) => what === 'done').length
    const fresh = lines.slice(seen).find(([what]) => what === 'start')
    seen = lines.length
    if (done >= minimumDone && fresh) return Number(fresh[2])
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe.skipIf(!postgres)('distributed pipelines on PostgreSQL', () => {
  it('opens the step queue from many workers starting at once on a new database', async () => {
    // Workers racing to create pg-boss's queue once made one of them die of a deadlock.
    const { config, cleanup } = await postgres!.fresh()
    const url = config.database.kind === 'postgres' ? config.database.url : ''
    const queues = await Promise.all(Array.from({ length: 12 }, () => StepQueue.open(url)))
    try {
      const [first, second] = queues
      const lathe = await openLathe(config)
      try {
        await lathe.store
          .db()
          .transaction()
          .execute((trx) => first!.enqueue(trx, [{ runId: 'r', step: 's' }]))
      } finally {
        await lathe.close()
      }
      expect((await second!.fetch(5)).map((j) => j.data)).toEqual([{ runId: 'r', step: 's' }])
    } finally {
      for (const q of queues) await q.close()
      await cleanup()
    }
  })

  it(
    'runs 50 steps on 3 workers, one killed mid-run: each step completes once, none lost',
    { timeout: 240_000 },
    async () => {
      const { config, cleanup } = await postgres!.fresh()
      const lathe = await openLathe(config)
      const workers: ChildProcess[] = []
      try {
        workers.push(...(await Promise.all([0, 1, 2].map(() => startWorker(config)))))
        const path = join(mkdtempSync(join(tmpdir(), 'lathe-journal-')), 'journal.txt')
        writeFileSync(path, '')
        const started = await lathe.pipelines.run(FANOUT, {
          executor: 'distributed',
          params: { journal: path, sleepMs: 1000 },
        })
        const victim = await busyWorkerPid(path, 12)
        await kill(workers.find((w) => w.pid === victim)!)

        const run = await started.done
        expect(run.status).toBe('succeeded')
        expect(run.steps).toHaveLength(50)
        expect(run.steps.every((s) => s.status === 'succeeded')).toBe(true)
        // Exactly once as recorded: one completion event per step. (A step whose lease lapsed on
        // a starved worker may run to its end twice; it is idempotent, so that is allowed, and
        // only one of the two is recorded.)
        const events = await readEvents(lathe.store.db(), {
          afterId: 0,
          limit: 100_000,
          types: ['pipeline_step.finished'],
        })
        const recorded = events
          .filter((e) => e.subject === `pipeline_run:${started.runId}`)
          .map((e) => e.payload.step as string)
        expect(recorded.sort()).toEqual(run.steps.map((s) => s.step).sort())
        const lines = journal(path)
        expect(
          new Set(lines.filter(([what]) => what === 'done').map(([, step]) => step)).size,
        ).toBe(50)
        // The killed worker's steps were started there, then run to completion elsewhere.
        const interrupted = lines
          .filter(([what, , pid]) => what === 'start' && Number(pid) === victim)
          .map(([, step]) => step)
        const finishedByVictim = lines
          .filter(([what, , pid]) => what === 'done' && Number(pid) === victim)
          .map(([, step]) => step)
        const retried = interrupted.filter((s) => !finishedByVictim.includes(s))
        expect(retried.length).toBeGreaterThan(0)
        for (const step of retried) {
          const row = run.steps.find((s) => s.step === step)!
          expect(row.attempt).toBeGreaterThanOrEqual(2)
          expect((row.outputs as { pid: number }).pid).not.toBe(victim)
        }
        // The steps spread over the workers.
        expect(
          new Set(run.steps.map((s) => (s.outputs as { pid: number }).pid)).size,
        ).toBeGreaterThanOrEqual(2)
      } finally {
        for (const w of workers) await kill(w)
        await lathe.close()
        await cleanup()
      }
    },
  )

  it(
    'fails a step that is not idempotent when its worker dies, rather than running it again',
    { timeout: 120_000 },
    async () => {
      const { config, cleanup } = await postgres!.fresh()
      const lathe = await openLathe(config)
      const workers: ChildProcess[] = []
      try {
        workers.push(...(await Promise.all([0, 1].map(() => startWorker(config)))))
        const path = join(mkdtempSync(join(tmpdir(), 'lathe-journal-')), 'journal.txt')
        writeFileSync(path, '')
        const started = await lathe.pipelines.run(ONCE, {
          executor: 'distributed',
          params: { journal: path, sleepMs: 3000 },
        })
        const victim = await busyWorkerPid(path, 0)
        await kill(workers.find((w) => w.pid === victim)!)
        const run = await started.done
        expect(run.status).toBe('failed')
        expect(run.failures[0]!.error).toMatch(
          /^worker .+ was lost while running it; not run again because the step is not idempotent$/,
        )
        expect(journal(path).map(([what]) => what)).toEqual(['start'])
      } finally {
        for (const w of workers) await kill(w)
        await lathe.close()
        await cleanup()
      }
    },
  )
})
