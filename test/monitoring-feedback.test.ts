import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
 * Ground truth at the edge: labels for requests the log does not hold yet are kept and reported,
 * the same labels again are a harmless retry, other labels or labels of the wrong type are refused
 * per item, and a call with nothing acceptable is a 400 naming the problems (the valid items of a
 * mixed call are stored). Alert rules refuse malformed actions. Files go through the CLI.
 */

for (const backend of testBackends) {
  describe(`feedback and alert actions at the edge (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>
    let dir: string

    const post = async (items: unknown[]) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { deployment: 'churn', items },
      })
      return { status: res.statusCode, body: res.json() as Record<string, unknown> }
    }

    beforeAll(async () => {
      t = await startServingLathe(backend)
      dir = await mkdtemp(join(tmpdir(), 'lathe-feedback-'))
      await registerModel(t.lathe, 'churn', classifierFiles(), ['champion'])
      await t.lathe.serving.deployments.create({ name: 'churn', model: 'churn', alias: 'champion' })
      for (const [i, row] of tabularRecords(6).entries()) {
        const res = await invoke(
          t.app,
          'churn',
          { dataframe_records: [row] },
          {
            'x-request-id': `q${i}`,
          },
        )
        expect(res.status).toBe(200)
      }
      await t.lathe.serving.inferenceLog.flush()
    })
    afterAll(async () => {
      await t.close()
      await rm(dir, { recursive: true, force: true })
    })

    it('keeps labels of requests the log does not hold, and says which they are', async () => {
      const res = await post([
        { request_id: 'q0', label: 'c1' },
        { request_id: 'not-logged-yet', label: 'c0' },
      ])
      expect(res).toEqual({
        status: 200,
        body: {
          accepted: 2,
          duplicates: [],
          rejected: [],
          unknown_request_ids: ['not-logged-yet'],
        },
      })
    })

    it('treats the same labels again as a retry and refuses different ones', async () => {
      const res = await post([
        { request_id: 'q0', label: 'c1' },
        { request_id: 'not-logged-yet', label: 'c1' },
        { request_id: 'q1', label: 'c0' },
      ])
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        accepted: 1,
        duplicates: ['q0'],
        rejected: [
          {
            request_id: 'not-logged-yet',
            reason: 'already has other labels (["c0"]); the first feedback stands',
          },
        ],
      })
    })

    it('refuses labels of the wrong type for the model, and a call with nothing acceptable', async () => {
      const mixed = await post([
        { request_id: 'q2', label: 3 },
        { request_id: 'q3', label: 'c0' },
      ])
      expect(mixed.body).toMatchObject({
        accepted: 1,
        rejected: [
          {
            request_id: 'q2',
            reason: "labels[0] must be a string like the model's predictions, not 3",
          },
        ],
      })
      const none = await post([
        { request_id: 'q4', labels: ['c0', 'c1'] },
        { request_id: 'q5', label: { nested: true } },
      ])
      expect(none.status).toBe(400)
      expect(none.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringMatching(
          /^No feedback item was accepted: 'q5': labels\[0\] must be a number, string or boolean.*'q4': request has 1 row\(s\) but 2 label\(s\) were given/,
        ),
      })
      // Nothing half-stored: q4 and q5 can still be labelled.
      expect(
        (
          await post([
            { request_id: 'q4', label: 'c1' },
            { request_id: 'q5', label: 'c0' },
          ])
        ).body,
      ).toMatchObject({ accepted: 2 })
      const unknownDeployment = await t.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        payload: { deployment: 'nope', items: [{ request_id: 'x', label: 1 }] },
      })
      expect(unknownDeployment.statusCode).toBe(404)
    })

    it('reads feedback from a CSV or JSON Lines file with lathe monitor feedback', async () => {
      const csv = join(dir, 'labels.csv')
      await writeFile(csv, 'request_id,label\nf1,c0\nf2,c1\n')
      const first = await runCli(t.lathe.config, registerMonitorCommands, [
        'monitor',
        'feedback',
        csv,
        '--deployment',
        'churn',
        '--json',
      ])
      expect(first.exitCode).toBe(0)
      expect(JSON.parse(first.out)).toMatchObject({ accepted: 2, unknown: ['f1', 'f2'] })
      const jsonl = join(dir, 'labels.jsonl')
      await writeFile(jsonl, '{"request_id":"f1","label":"c0"}\n{"request_id":"f2","label":"c0"}\n')
      const second = await runCli(t.lathe.config, registerMonitorCommands, [
        'monitor',
        'feedback',
        jsonl,
        '--deployment',
        'churn',
        '--json',
      ])
      expect(second.exitCode).toBe(1)
      expect(JSON.parse(second.out)).toMatchObject({ accepted: 0, duplicates: ['f1'] })
    })

    it('refuses alert rules with malformed actions, naming the field', async () => {
      const monitor = await t.lathe.monitoring.monitors.create({
        deployment: 'churn',
        kind: 'operational',
        windowMs: 60_000,
      })
      const url = `/api/v1/monitors/${monitor.id}/alert-rules`
      const rule = { metric: 'error_rate', op: 'above', threshold: 0.1 }
      for (const actions of [
        [{ kind: 'explode' }],
        [{ kind: 'pin', version: 0 }],
        [{ kind: 'retrain' }],
      ]) {
        const res = await t.app.inject({ method: 'POST', url, payload: { ...rule, actions } })
        expect(res.statusCode, JSON.stringify(actions)).toBe(400)
        expect(res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' })
      }
      const ok = await t.app.inject({
        method: 'POST',
        url,
        payload: { ...rule, actions: [{ kind: 'pin', version: 1 }, { kind: 'rollback' }] },
      })
      expect(ok.statusCode, ok.body).toBe(200)
      expect(ok.json()).toMatchObject({
        alert_rule: { actions: [{ kind: 'pin', version: 1 }, { kind: 'rollback' }] },
      })
    })
  })
}
