import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { buildServer } from '../src/api/server.js'
import { openLathe } from '../src/main.js'
import { testBackends } from './support/backends.js'
import { MlflowClient, type Metric } from './support/mlflow-client.js'

/*
 * A real `lathe server` process is SIGKILLed while eight writers hammer it with log-batch and
 * artifact PUTs. Lathe opened afresh on the same home must hold every write that was
 * acknowledged with a 200, exactly once.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url))
const WRITERS = 8
const BATCH_SIZE = 100
const KILL_AFTER_ACKS = 24

/** Starts `lathe server` on a free port and resolves once it prints its address. */
async function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', ...args, 'server', '--port', '0'],
    { cwd: REPO, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1]!)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening:\n${output}`)),
    )
  })
  return { child, url }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await exited
}

/** Writer `w`'s batch `b`: steps unique across writers. */
function batch(w: number, b: number): Metric[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => {
    const step = (w * 10_000 + b) * BATCH_SIZE + i
    return { key: 'loss', value: step / 3, timestamp: step, step }
  })
}

/** Logs until the server dies; returns what was acknowledged with a 200. */
async function hammer(client: MlflowClient, runId: string, onAck: () => void) {
  const metrics: Metric[] = []
  const artifacts: string[] = []
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let b = 0; ; b++) {
        try {
          if (b % 4 === 3) {
            await client.logArtifact(
              runId,
              `w${w}-b${b}.txt`,
              `payload ${w} ${b}`.repeat(200),
              'crash',
            )
            artifacts.push(`crash/w${w}-b${b}.txt`)
          } else {
            await client.logBatch(runId, { metrics: batch(w, b) })
            metrics.push(...batch(w, b))
          }
          onAck()
        } catch {
          return // the server is gone: what was not acknowledged may or may not be there
        }
      }
    }),
  )
  return { metrics, artifacts }
}

for (const backend of testBackends) {
  describe(`SIGKILL during heavy logging (${backend.name})`, () => {
    it('keeps every acknowledged metric and artifact, once', async () => {
      const { config, cleanup } = await backend.fresh()
      const args = ['--home', config.home]
      if (config.database.kind === 'postgres') args.push('--db', config.database.url)
      const first = await startServer(args)
      try {
        const client = new MlflowClient(first.url)
        const runId = (await client.createRun('0')).info.run_id
        let acks = 0
        const acknowledged = hammer(client, runId, () => {
          if (++acks === KILL_AFTER_ACKS) first.child.kill('SIGKILL')
        })
        const { metrics, artifacts } = await acknowledged
        await kill(first.child)
        expect(first.child.signalCode).toBe('SIGKILL')
        expect(metrics.length).toBeGreaterThan(0)

        // The new process on the same home: this one, which never had the database open.
        const lathe = await openLathe(config)
        const app = await buildServer(lathe)
        try {
          const reader = new MlflowClient(await app.listen({ port: 0, host: '127.0.0.1' }))
          const pages = await reader.all((pageToken) =>
            reader.getMetricHistory(runId, 'loss', { maxResults: 25_000, pageToken }),
          )
          const stored = pages.flat()
          const steps = stored.map((m) => m.step)
          expect(new Set(steps).size).toBe(steps.length)
          const byStep = new Map(stored.map((m) => [m.step, m]))
          const missing = metrics.filter(
            (m) => JSON.stringify(byStep.get(m.step)) !== JSON.stringify(m),
          )
          expect(missing).toEqual([])
          const files = await reader.downloadArtifacts(runId, 'crash')
          for (const path of artifacts) {
            const [, w, b] = /w(\d+)-b(\d+)/.exec(path)!
            expect(files[path], path).toBe(`payload ${w} ${b}`.repeat(200))
          }
        } finally {
          await app.close()
          await lathe.close()
        }
      } finally {
        await kill(first.child)
        await cleanup()
      }
    }, 60_000)
  })
}
