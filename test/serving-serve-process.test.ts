import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../src/config.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'
import { classifierFiles, registerModel, tabularRecords } from './support/serving.js'

/*
 * `lathe serve` is a serving-only process: it loads every deployment at start, then follows
 * changes made by other processes through the outbox — a new deployment, an alias move — and
 * answers only inference, metrics and health (no tracking API, no UI).
 */

const body = JSON.stringify({ dataframe_records: tabularRecords(1) })

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

for (const backend of testBackends) {
  describe(`lathe serve (${backend.name})`, () => {
    let config: Config
    let cleanup: () => Promise<void>
    let lathe: Lathe
    let child: ChildProcess
    let url: string

    beforeAll(async () => {
      const fresh = await backend.fresh()
      config = fresh.config
      cleanup = fresh.cleanup
      lathe = await openLathe(config)
      for (const seed of [1, 2]) await registerModel(lathe, 'churn', classifierFiles({ seed }))
      await lathe.registry.aliases.set('churn', 'champion', 1)
      await lathe.serving.deployments.create({ name: 'first', model: 'churn' })
      const db = config.database.kind === 'postgres' ? ['--db', config.database.url] : []
      child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          '--home',
          config.home,
          ...db,
          'serve',
          '--port',
          '0',
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
      url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const match = /serving on (http:\/\/\S+)/.exec(line)
          if (match) resolve(match[1]!)
        })
        child.once('exit', (code) => reject(new Error(`lathe serve exited with ${code}`)))
      })
    }, 60_000)
    afterAll(async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      await lathe.close()
      await cleanup()
    })

    const score = async (name: string) => {
      const res = await fetch(`${url}/serve/${name}/invocations`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      })
      return { status: res.status, version: res.headers.get('x-lathe-model-version') }
    }

    it('serves what existed at start, and nothing but inference, metrics and health', async () => {
      expect(await score('first')).toEqual({ status: 200, version: '1' })
      expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200)
      expect((await fetch(`${url}/metrics`)).status).toBe(200)
      expect((await fetch(`${url}/api/v1/deployments`)).status).toBe(404)
      expect((await fetch(`${url}/api/2.0/mlflow/experiments/search`)).status).toBe(404)
    })

    it('picks up a deployment created by another process', async () => {
      await lathe.serving.deployments.create({ name: 'second', model: 'churn', version: 2 })
      const answer = await until('the new deployment', async () => {
        const res = await score('second')
        return res.status === 200 ? res : undefined
      })
      expect(answer.version).toBe('2')
    })

    it('serves a deployment deleted and created again under the same name as the new one', async () => {
      await lathe.serving.deployments.delete('second')
      await until('the deletion', async () =>
        (await score('second')).status === 404 ? true : undefined,
      )
      await lathe.serving.deployments.create({ name: 'second', model: 'churn', version: 1 })
      const answer = await until('the new incarnation', async () => {
        const res = await score('second')
        return res.version === '1' ? res : undefined
      })
      expect(answer.status).toBe(200)
    })

    it('reloads a deployment when the alias it follows moves, failing no request meanwhile', async () => {
      const statuses: number[] = []
      const moved = until('the alias move', async () => {
        const res = await score('first')
        statuses.push(res.status)
        return res.version === '2' ? res : undefined
      })
      await lathe.registry.aliases.set('churn', 'champion', 2)
      await moved
      expect(statuses.every((s) => s === 200)).toBe(true)
      expect(await lathe.serving.deployments.get('first')).toMatchObject({
        version: 2,
        previousVersion: 1,
      })
    })
  })
}
