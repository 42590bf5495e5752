import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signBody, SIGNATURE_HEADER } from '../src/monitoring/index.js'
import { registerMonitorCommands } from '../src/cli/commands/monitor.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'
import {
  classifierFiles,
  invoke,
  registerModel,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * Monitors read a deployment's inference log through serving, join ground truth that arrives
 * later, store every metric as a time series, and drive alert rules whose transitions are
 * delivered as signed webhooks from an outbox.
 */

for (const backend of testBackends) {
  describe(`monitoring (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>
    let dir: string
    const posts: { url: string; body: string; headers: Record<string, string> }[] = []
    let endpointUp = false
    let hooks: Server
    let hookUrl = ''
    const rows = tabularRecords(40)
    const start = 1_700_000_000_000

    beforeAll(async () => {
      t = await startServingLathe(backend)
      // A real endpoint that answers 503 while "down" and records what it receives once up.
      hooks = createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          if (endpointUp) {
            const headers = req.headers as Record<string, string>
            posts.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString(), headers })
          }
          res.writeHead(endpointUp ? 204 : 503).end()
        })
      })
      await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
      hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/a`
      dir = await mkdtemp(join(tmpdir(), 'lathe-monitoring-'))
      await registerModel(t.lathe, 'churn', classifierFiles(), ['champion'])
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/deployments',
        payload: { name: 'churn', model: 'churn', alias: 'champion' },
      })
      expect(created.statusCode, created.body).toBe(200)
      for (let i = 0; i < rows.length; i++) {
        const res = await invoke(
          t.app,
          'churn',
          { dataframe_records: [rows[i]] },
          {
            'x-request-id': `r${i}`,
          },
        )
        expect(res.status).toBe(200)
      }
      await t.lathe.serving.inferenceLog.flush()
    })
    afterAll(async () => {
      await t.close()
      await new Promise((resolve) => hooks.close(resolve))
      await rm(dir, { recursive: true, force: true })
    })

    const window = { startMs: start - 1000, endMs: start + 60_000 }

    it('computes operational metrics from the log, per version too', async () => {
      const m = await t.lathe.monitoring.monitors.create({
        deployment: 'churn',
        kind: 'operational',
        windowMs: 60_000,
      })
      const results = await t.lathe.monitoring.monitors.run(m.id, window)
      const byMetric = new Map(results.map((r) => [r.metric, r.value]))
      expect(byMetric.get('requests')).toBe(40)
      expect(byMetric.get('v1.requests')).toBe(40)
      expect(byMetric.get('error_rate')).toBe(0)
      expect(byMetric.get('latency_p95')).toBeGreaterThanOrEqual(byMetric.get('latency_p50')!)
      const series = await t.lathe.monitoring.monitors.results(m.id, { metric: 'requests' })
      expect(series.map((r) => [r.windowEndMs, r.value])).toEqual([[window.endMs, 40]])
    })

    it('joins feedback to the log and reports duplicates and bad labels', async () => {
      const log = await t.lathe.serving.readLog({ deployment: 'churn' })
      const predicted = new Map(log.map((r) => [r.requestId, r.outputs![0]!['label']]))
      const items = rows.map((_, i) => ({ request_id: `r${i}`, labels: [predicted.get(`r${i}`)] }))
      // Every fourth label is wrong (the model predicts classes c0, c1, c2): accuracy 0.75.
      for (let i = 0; i < items.length; i += 4) {
        items[i]!.labels = [items[i]!.labels[0] === 'c0' ? 'c1' : 'c0']
      }
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: {
          deployment: 'churn',
          items: [...items, items[1], { request_id: 'x', labels: [{ a: 1 }] }],
        },
      })
      expect(res.statusCode, res.body).toBe(200)
      const report = res.json() as { accepted: number; duplicates: string[]; rejected: unknown[] }
      expect(report.accepted).toBe(40)
      expect(report.duplicates).toEqual(['r1'])
      expect(report.rejected).toHaveLength(1)
      const again = await t.lathe.monitoring.feedback.record('churn', [
        { requestId: 'r2', labels: items[2]!.labels },
      ])
      expect(again).toMatchObject({ accepted: 0, duplicates: ['r2'] })

      const m = await t.lathe.monitoring.monitors.create({
        deployment: 'churn',
        kind: 'performance',
        windowMs: 60_000,
        spec: { labelField: 'label' },
      })
      const results = await t.lathe.monitoring.monitors.run(m.id, window)
      const accuracy = results.find((r) => r.metric === 'accuracy')!
      expect(accuracy.value).toBe(0.75)
      expect(accuracy.detail).toMatchObject({ labelled: 40 })
      expect(typeof accuracy.detail['lagMsMean']).toBe('number')
    })

    it('tests drift of the inputs against the training dataset profile', async () => {
      const path = join(dir, 'train.csv')
      const train = tabularRecords(300, 1)
      const csv = ['x1,x2,x3,city', ...train.map((r) => [r.x1, r.x2, r.x3 ?? '', r.city].join(','))]
      await writeFile(path, csv.join('\n') + '\n')
      await t.lathe.data.datasets.add(path, { name: 'churn-train' })
      const m = await t.lathe.monitoring.monitors.create({
        deployment: 'churn',
        kind: 'drift',
        windowMs: 60_000,
        spec: { reference: 'churn-train:1', thresholds: { x1: { test: 'psi', threshold: 0.2 } } },
      })
      const results = await t.lathe.monitoring.monitors.run(m.id, window)
      const metrics = results.map((r) => r.metric)
      expect(metrics).toContain('drift.share')
      expect(results.find((r) => r.metric === 'drift.x1.score')!.detail).toMatchObject({
        test: 'psi',
        threshold: 0.2,
      })
      expect(metrics).toContain('drift.city.score')
      const range = results.find((r) => r.metric === 'out_of_range.x1')!
      expect(range.value).toBeGreaterThanOrEqual(0)
      expect(range.detail).toHaveProperty('min')
    })

    it('fires after N breaching windows, once, and resolves; webhooks are signed and retried', async () => {
      const monitoring = t.lathe.monitoring
      const m = await monitoring.monitors.create({
        deployment: 'churn',
        kind: 'operational',
        windowMs: 60_000,
      })
      const rule = await monitoring.alerts.createRule({
        monitorId: m.id,
        metric: 'requests',
        op: 'above',
        threshold: 10,
        forWindows: 2,
        webhooks: [hookUrl],
        secret: 's3cret',
      })
      const state = async () => (await monitoring.alerts.states()).find((s) => s.ruleId === rule.id)
      await monitoring.monitors.run(m.id, window)
      expect((await state())?.state).toBe('ok')
      await monitoring.monitors.run(m.id, window) // the same window counts once
      expect((await state())?.breaches).toBe(1)
      await monitoring.monitors.run(m.id, { startMs: window.startMs, endMs: window.endMs + 1 })
      expect((await state())?.state).toBe('firing')
      await monitoring.monitors.run(m.id, { startMs: window.startMs, endMs: window.endMs + 2 })
      expect((await state())?.state).toBe('firing')
      await monitoring.monitors.run(m.id, { startMs: start + 100_000, endMs: start + 160_000 })
      expect((await state())?.state).toBe('resolved')

      // The endpoint is down: nothing is lost, the delivery waits with backoff.
      expect(await monitoring.webhooks.deliverDue()).toBe(0)
      let pending = (await monitoring.webhooks.list()).filter((d) => d.status === 'pending')
      expect(pending).toHaveLength(2)
      expect(pending.every((d) => d.attempts === 1 && d.lastError !== undefined)).toBe(true)
      endpointUp = true
      t.clock.advance(60_000)
      expect(await monitoring.webhooks.deliverDue()).toBe(2)
      pending = (await monitoring.webhooks.list()).filter((d) => d.status === 'pending')
      expect(pending).toHaveLength(0)
      const bodies = posts.map((p) => JSON.parse(p.body) as { type: string })
      expect(bodies.map((b) => b.type)).toEqual(['alert.fired', 'alert.resolved'])
      for (const p of posts) expect(p.headers[SIGNATURE_HEADER]).toBe(signBody(p.body, 's3cret'))
    })

    it('answers status over HTTP and the CLI, and refuses bad input with 400/404', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/monitors/status/churn' })
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json() as { monitors: { kind: string; latest: { metric: string }[] }[] }
      expect(body.monitors.map((m) => m.kind).sort()).toEqual([
        'drift',
        'operational',
        'operational',
        'performance',
      ])
      const performance = body.monitors.find((m) => m.kind === 'performance')!
      expect(performance.latest.map((r) => r.metric)).toContain('accuracy')
      const cli = await runCli(t.lathe.config, registerMonitorCommands, [
        'monitor',
        'status',
        'churn',
      ])
      expect(cli.exitCode).toBe(0)
      expect(cli.out).toContain('accuracy')
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/v1/monitors',
        payload: { deployment: 'churn', kind: 'vibes', window_seconds: 60 },
      })
      expect(bad.statusCode).toBe(400)
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { deployment: 'nope', items: [{ request_id: 'a', label: 1 }] },
      })
      expect(unknown.statusCode).toBe(404)
    })

    it('runs closed windows on a scheduler tick, and a failing monitor does not stop the others', async () => {
      const monitoring = t.lathe.monitoring
      const broken = await monitoring.monitors.create({
        deployment: 'churn',
        kind: 'drift',
        windowMs: 60_000,
        spec: { reference: 'no-such-dataset:1' },
      })
      const m = await monitoring.monitors.create({
        deployment: 'churn',
        kind: 'operational',
        windowMs: 60_000,
      })
      t.clock.advance(180_000)
      await monitoring.scheduler.tick()
      const ends = (await monitoring.monitors.results(m.id, { metric: 'requests' })).map(
        (r) => r.windowEndMs,
      )
      expect(ends.length).toBeGreaterThanOrEqual(2)
      expect(ends.every((e) => e % 60_000 === 0 && e <= t.clock.now)).toBe(true)
      expect(monitoring.scheduler.errors.get(broken.id)).toMatch(/no-such-dataset/)
      await monitoring.scheduler.tick() // nothing new has closed: no window runs twice
      const again = await monitoring.monitors.results(m.id, { metric: 'requests' })
      expect(again.map((r) => r.windowEndMs)).toEqual(ends)
    })
  })
}
