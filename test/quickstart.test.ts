import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runQuickstart, type QuickstartResult } from '../src/cli/commands/quickstart-run.js'
import { GraphBuilder, int64Tensor } from '../src/models/onnx-graph.js'
import { Monitoring, servingReader } from '../src/monitoring/index.js'
import { readEvents } from '../src/events/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'
import { registerModel } from './support/serving.js'

/*
 * The quickstart end to end (in-process, as `lathe quickstart --no-serve` runs it), every stage
 * checked in the store: drift on the drifted period and none on the control, one retraining for
 * one firing, promotion only after the gates, the audit log and the lineage graph. A second round
 * in the same home retrains on shuffled labels: its gates stop it and the champion stays. Then a
 * canary that breaches its SLO is rolled back by a monitor's alert, and webhooks to endpoints that
 * are down or slow hold nothing up.
 */

const silent = { start() {}, done() {} }

/** A model taking the weather inputs whose every call fails at run time (Gather past the end). */
function failingWeatherModel(): Uint8Array {
  const g = new GraphBuilder()
  const inputs = ['precipitation', 'temp_max', 'temp_min', 'wind'].map((name) =>
    g.input({ name, type: 'double', shape: ['N', 1] }),
  )
  const sum = g.node('Add', [inputs[0]!, inputs[1]!])
  g.node(
    'Gather',
    [sum, g.constant(int64Tensor('past_end', [1], [5]))],
    { axis: 1 },
    { outputs: ['label'] },
  )
  g.output({ name: 'label', type: 'double', shape: ['N', 1] })
  return g.toBytes('always_fails')
}

/** An HTTP endpoint that answers 503 (`down`) or never answers (`slow`). */
async function badEndpoint(kind: 'down' | 'slow'): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    if (kind === 'down') res.writeHead(503).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook`, server }
}

for (const backend of testBackends) {
  describe(`lathe quickstart (${backend.name})`, () => {
    let t: TestLathe
    let result: QuickstartResult
    let sabotaged: QuickstartResult
    let down: { url: string; server: Server }

    beforeAll(async () => {
      t = await startTestLathe(backend)
      down = await badEndpoint('down')
      const workDir = join(t.lathe.config.home, 'quickstart')
      result = await runQuickstart(
        t.lathe,
        t.app,
        { workDir, suffix: '', webhooks: [down.url] },
        silent,
      )
      sabotaged = await runQuickstart(
        t.lathe,
        t.app,
        { workDir, suffix: '-2', sabotageRetrain: true },
        silent,
      )
      await t.lathe.audit.drain()
    }, 240_000)
    afterAll(async () => {
      down.server.close()
      await t.close()
    })

    const driftShare = async (r: QuickstartResult, window: string) => {
      const points = await t.lathe.monitoring.monitors.results(r.monitors.drift, {
        metric: 'drift.share',
      })
      return points.find((p) => p.windowEndMs === r.windows[window]!.endMs)?.value
    }

    it('detects drift on the drifted period and not on the same-distribution control', async () => {
      expect(await driftShare(result, 'control')).toBe(0)
      expect(await driftShare(result, 'drifted-1')).toBeGreaterThan(0.5)
      expect(await driftShare(result, 'drifted-2')).toBeGreaterThan(0.5)
      const detected = (
        await readEvents(t.lathe.store.db(), {
          afterId: 0,
          limit: 100_000,
          types: ['monitor.drift_detected'],
        })
      ).filter((e) => e.payload.monitorId === result.monitors.drift)
      const ends = detected.map((e) => e.payload.endMs)
      expect(ends).not.toContain(result.windows.control!.endMs)
      expect(ends).toContain(result.windows['drifted-1']!.endMs)
      // The reference is the serving version's training data, found through the lineage.
      const refs = await t.lathe.monitoring.monitors.results(result.monitors.drift, {
        metric: 'drift.reference',
      })
      expect(refs.map((r) => r.detail.reference)).toEqual([
        'weather:1',
        'weather:1',
        'weather:1',
        'weather-recent:1',
      ])
      // The inputs meet the stored contract in every window: quality is not drift.
      const quality = await t.lathe.monitoring.monitors.results(result.monitors.quality, {
        metric: 'quality.violation_share',
      })
      expect(quality.map((q) => q.value)).toEqual([0, 0, 0, 0])
    })

    it('fires once over two drifted windows and retrains once', async () => {
      const actions = await t.lathe.monitoring.actions!.list(result.driftRuleId)
      expect(actions.map((a) => [a.kind, a.status, a.target])).toEqual([
        ['retrain', 'succeeded', result.retrainRunId],
      ])
      const listed = await t.app.inject({
        method: 'GET',
        url: `/api/v1/alerts/actions?rule_id=${result.driftRuleId}`,
      })
      expect(listed.json()).toMatchObject({
        actions: [{ kind: 'retrain', status: 'succeeded', target: result.retrainRunId }],
      })
      const runs = await t.lathe.pipelines.runs({ pipeline: 'weather-retrain' })
      expect(runs.map((r) => r.runId).sort()).toEqual(
        [result.retrainRunId, sabotaged.retrainRunId].sort(),
      )
      // Redelivering the firing (a restart, a second process) takes no second action.
      const fired = (await t.lathe.audit.list({ types: ['alert.fired'], limit: 100 })).entries
      expect(fired.filter((e) => e.payload.ruleId === result.driftRuleId)).toHaveLength(1)
      const state = (await t.lathe.monitoring.alerts.states()).find(
        (s) => s.ruleId === result.driftRuleId,
      )
      expect(state?.state).toBe('resolved')
    })

    it('promotes the retrained version only after its gates pass', async () => {
      expect(result.retrainStatus).toBe('succeeded')
      expect([result.championBefore, result.championAfter]).toEqual([1, 2])
      const [report] = await t.lathe.registry.gates.reports('weather', 2)
      expect(report!.passed).toBe(true)
      const deployment = await t.lathe.serving.deployments.get('weather')
      expect(deployment.version).toBe(2)
      const releases = await t.lathe.serving.deployments.releases('weather')
      const release = releases.find((r) => r.candidateVersion === 2)!
      expect(release).toMatchObject({ strategy: 'canary', status: 'promoted' })
      expect(release.createdAtMs).toBeGreaterThanOrEqual(report!.createdAt)
    })

    it('stops a sabotaged retrained model at its gates; the champion stays', async () => {
      expect(sabotaged.retrainStatus).toBe('failed')
      const run = await t.lathe.pipelines.status(sabotaged.retrainRunId!)
      expect(run.steps.map((s) => [s.step, s.status])).toEqual(
        expect.arrayContaining([
          ['gates', 'failed'],
          ['promote', 'skipped'],
        ]),
      )
      const [report] = await t.lathe.registry.gates.reports('weather-2', 2)
      expect(report!.passed).toBe(false)
      expect((await t.lathe.registry.aliases.getVersion('weather-2', 'champion')).version).toBe(1)
      expect((await t.lathe.serving.deployments.get('weather-2')).version).toBe(1)
    })

    it('audits every step and links it in the lineage graph', async () => {
      const entries = (await t.lathe.audit.list({ order: 'asc', limit: 100_000 })).entries
      const types = new Set(entries.map((e) => e.type))
      for (const type of [
        'dataset.version_created',
        'validation.completed',
        'model_version.created',
        'model_version.approval_requested',
        'model_version.alias_set',
        'deployment.created',
        'monitor.created',
        'alert_rule.created',
        'feedback.received',
        'alert.fired',
        'alert.action_taken',
        'pipeline_run.created',
        'deployment.release_started',
        'deployment.promoted',
        'alert.resolved',
      ])
        expect(types, type).toContain(type)
      const action = entries.find((e) => e.type === 'alert.action_taken')!
      expect(action).toMatchObject({
        actor: 'lathe-monitor',
        payload: { ruleId: result.driftRuleId, target: result.retrainRunId, status: 'succeeded' },
      })
      await t.lathe.lineage.drain()
      const graph = await t.lathe.lineage.graph(
        { kind: 'model_version', id: 'weather/2' },
        { direction: 'up', depth: 10 },
      )
      const edges = graph.edges.map((e) => `${e.from.kind} ${e.relation} ${e.to.kind}`)
      expect(edges).toEqual(
        expect.arrayContaining([
          'run produced model_version',
          'dataset_version input_to run',
          'pipeline_run ran_step run',
          'alert triggered pipeline_run',
          'monitor raised alert',
          'deployment monitored_by monitor',
        ]),
      )
    })

    it('rolls back a canary that breaches its SLO, by the monitor alert', async () => {
      const { lathe } = t
      // The serving controller's own SLO check is turned off so the monitor is what acts.
      await lathe.serving.deployments.update('weather', {
        config: { analysis: { failureLimit: 1_000_000 } },
      })
      const bad = await registerModel(lathe, 'weather', { onnx: failingWeatherModel() })
      const operational = result.monitors.operational
      await lathe.monitoring.alerts.createRule({
        monitorId: operational,
        metric: 'error_rate',
        op: 'above',
        threshold: 0.05,
        actions: [{ kind: 'rollback' }],
      })
      await lathe.serving.deployments.release('weather', { version: bad })
      const startMs = Date.now()
      // Callers never see the canary's errors (the stable version answers instead); the log does.
      for (let i = 0; i < 60; i++) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/serve/weather/invocations',
          payload: {
            dataframe_records: [{ precipitation: 1, temp_max: 20, temp_min: 10, wind: 3 }],
          },
        })
        expect(res.statusCode).toBe(200)
      }
      await lathe.serving.inferenceLog.flush()
      const points = await lathe.monitoring.monitors.run(operational, {
        startMs,
        endMs: Date.now() + 1,
      })
      expect(points.find((p) => p.metric === `v${bad}.error_rate`)?.value).toBe(1)
      await lathe.events.drain()
      const deployment = await lathe.serving.deployments.get('weather')
      expect(deployment.version).toBe(2)
      expect(deployment.release).toMatchObject({ candidateVersion: bad, status: 'rolled_back' })
      expect(deployment.release!.reason).toContain('error_rate')
      await t.lathe.audit.drain()
      const taken = (await lathe.audit.list({ types: ['alert.action_taken'], limit: 10 })).entries
      expect(taken[0]).toMatchObject({
        payload: { action: { kind: 'rollback' }, status: 'succeeded' },
      })
    })

    it('switches a deployment to a safe version on an alert, and links the firing to it', async () => {
      const { lathe } = t
      const rule = await lathe.monitoring.alerts.createRule({
        monitorId: result.monitors.operational,
        metric: 'requests',
        op: 'above',
        threshold: -1,
        actions: [{ kind: 'pin', version: 1 }],
      })
      const startMs = Date.now()
      await lathe.monitoring.monitors.run(result.monitors.operational, {
        startMs,
        endMs: startMs + 1000,
      })
      await lathe.events.drain()
      const [action] = await lathe.monitoring.actions!.list(rule.id)
      expect((await lathe.serving.deployments.get('weather')).version).toBe(1)
      expect(action).toMatchObject({ kind: 'pin', status: 'succeeded', target: 'weather' })
      await lathe.lineage.drain()
      const graph = await lathe.lineage.graph(
        { kind: 'deployment', id: 'weather' },
        { direction: 'up', depth: 1 },
      )
      expect(graph.edges.map((e) => `${e.from.kind}:${e.from.id} ${e.relation}`)).toContain(
        `alert:${rule.id}@${action!.firedAtMs} pinned`,
      )
    })

    it('keeps webhooks to a down or slow endpoint pending for retry, blocking nothing', async () => {
      // The quickstart finished with the alert's webhook pointing at a 503: it is queued, not lost.
      await t.lathe.monitoring.webhooks.deliverDue()
      const [queued] = (await t.lathe.monitoring.webhooks.list()).filter((d) => d.url === down.url)
      expect(queued).toMatchObject({ status: 'pending', lastError: 'HTTP 503' })
      expect(queued!.attempts).toBeGreaterThanOrEqual(1)
      // A slow endpoint times out on its own delivery only.
      const slow = await badEndpoint('slow')
      try {
        const monitoring = new Monitoring(
          {
            store: t.lathe.store,
            clock: t.lathe.clock,
            events: t.lathe.events,
            serving: servingReader(t.lathe.serving),
          },
          { webhooks: { timeoutMs: 200, backoffMs: 60_000 } },
        )
        const monitor = await monitoring.monitors.create({
          deployment: 'weather',
          kind: 'operational',
          windowMs: 60_000,
        })
        await monitoring.alerts.createRule({
          monitorId: monitor.id,
          metric: 'requests',
          op: 'above',
          threshold: -1,
          webhooks: [slow.url, down.url],
        })
        await monitoring.monitors.run(monitor.id, { startMs: 0, endMs: 1000 })
        expect(await monitoring.webhooks.deliverDue()).toBe(0)
        const sent = (await monitoring.webhooks.list(2)).map((d) => [d.url, d.status, d.lastError])
        expect(sent).toEqual(
          expect.arrayContaining([
            [slow.url, 'pending', expect.stringMatching(/abort|timeout/i)],
            [down.url, 'pending', 'HTTP 503'],
          ]),
        )
      } finally {
        slow.server.closeAllConnections()
        slow.server.close()
      }
    })
  })
}
