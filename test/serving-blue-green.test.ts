import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  registerModel,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * Blue-green: the new version is loaded and smoke-tested beside the old one, then swapped in with
 * one write; rollback swaps back at once. An alias move reloads a deployment following it the
 * same way. Under continuous load over a real socket, none of this fails a request.
 */

const body = JSON.stringify({ dataframe_records: tabularRecords(1) })

/** Requests sent back to back by `workers` loops until stopped: each answer's status and version. */
function load(url: string, workers = 4) {
  const answers: { status: number; version: string | null }[] = []
  let running = true
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      })
      await res.arrayBuffer()
      answers.push({ status: res.status, version: res.headers.get('x-lathe-model-version') })
    }
  })
  return {
    answers,
    /** Lets at least `count` more answers arrive. */
    async more(count: number) {
      const target = answers.length + count
      while (answers.length < target) await new Promise((r) => setTimeout(r, 5))
    },
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

for (const backend of testBackends) {
  describe(`blue-green swaps and alias reloads (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>
    let url: string

    beforeEach(async () => {
      t = await startServingLathe(backend)
      for (const seed of [1, 2, 3]) await registerModel(t.lathe, 'fraud', classifierFiles({ seed }))
      await t.lathe.registry.aliases.set('fraud', 'champion', 1)
      await t.lathe.serving.deployments.create({
        name: 'fraud',
        model: 'fraud',
        strategy: 'blue-green',
      })
      await t.app.listen({ host: '127.0.0.1', port: 0 })
      url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/serve/fraud/invocations`
    })
    afterEach(() => t.close())

    it('swaps, rolls back and reloads on alias moves under continuous load without failing a request', async () => {
      const { deployments } = t.lathe.serving
      const traffic = load(url)
      await traffic.more(50)
      const swapped = await deployments.release('fraud', { version: 2 })
      expect(swapped).toMatchObject({ version: 2, previousVersion: 1 })
      expect(swapped.release).toMatchObject({
        strategy: 'blue-green',
        status: 'progressing',
        weight: 100,
      })
      await traffic.more(50)
      const back = await deployments.rollback('fraud', 'checking the swap back')
      expect(back).toMatchObject({ version: 1, previousVersion: 2 })
      await traffic.more(50)
      // The alias moves: the follower releases version 3 with the deployment's strategy.
      await t.lathe.registry.aliases.set('fraud', 'champion', 3)
      await t.lathe.events.drain()
      expect(await deployments.get('fraud')).toMatchObject({ version: 3, previousVersion: 1 })
      await traffic.more(50)
      await deployments.promote('fraud')
      await traffic.more(50)
      await traffic.stop()

      const failed = traffic.answers.filter((a) => a.status !== 200)
      expect(failed).toEqual([])
      const order = traffic.answers.map((a) => a.version).filter((v, i, all) => v !== all[i - 1])
      expect(order.slice(0, 1)).toEqual(['1'])
      expect(new Set(order)).toEqual(new Set(['1', '2', '3']))
      expect(traffic.answers.at(-1)!.version).toBe('3')
      const release = (await deployments.get('fraud')).release!
      expect(release).toMatchObject({
        status: 'promoted',
        trigger: 'alias:champion',
        candidateVersion: 3,
      })
    })

    it('keeps serving the old version when the new one fails its gates', async () => {
      await registerModel(t.lathe, 'fraud', { onnx: new Uint8Array([1, 2, 3]) })
      await expect(t.lathe.serving.deployments.release('fraud', { version: 4 })).rejects.toThrow(
        /Version 4 failed the signature gate: The model cannot be loaded/,
      )
      const d = await t.lathe.serving.deployments.get('fraud')
      expect(d.version).toBe(1)
      expect(d.release).toMatchObject({ status: 'failed', candidateVersion: 4 })
      expect(d.release!.gates).toHaveLength(1)
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-lathe-model-version')).toBe('1')
    })
  })
}
