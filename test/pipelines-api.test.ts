import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/* The dashboard's routes under /api/v1/pipelines, and their answers to bad input. */

const HELLO = fileURLToPath(new URL('./fixtures/pipelines/hello/pipeline.yaml', import.meta.url))

for (const backend of testBackends) {
  describe(`/api/v1/pipelines (${backend.name})`, () => {
    let t: TestLathe
    beforeAll(async () => {
      t = await startTestLathe(backend)
      await t.lathe.pipelines.catalog.register(HELLO)
    })
    afterAll(() => t.close())

    const get = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url })
      return { status: res.statusCode, body: res.json() as Record<string, unknown> }
    }
    const send = async (method: 'POST' | 'DELETE', url: string, payload?: object) => {
      const res = await t.app.inject({ method, url, payload: payload ?? {} })
      return { status: res.statusCode, body: res.json() as Record<string, unknown> }
    }

    it('lists pipelines, starts a run by name and follows it to the end', async () => {
      const list = await get('/api/v1/pipelines')
      expect(list.body.pipelines).toMatchObject([
        { name: 'hello', source: HELLO, params: { who: 'world' } },
      ])
      const started = await send('POST', '/api/v1/pipelines/hello/runs', { params: { who: 'api' } })
      expect(started.status).toBe(200)
      const runId = started.body.run_id as string
      let run: {
        status: string
        steps: { step: string; status: string; log_tail: string | null }[]
      }
      for (;;) {
        run = (await get(`/api/v1/pipelines/runs/${runId}`)).body.run as typeof run
        if (run.status !== 'running') break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(run).toMatchObject({
        status: 'succeeded',
        params: { who: 'api' },
        started_by: 'manual',
      })
      expect(run.steps.map((s) => [s.step, s.status])).toEqual([
        ['greet', 'succeeded'],
        ['shout', 'succeeded'],
      ])
      const runs = await get('/api/v1/pipelines/runs?pipeline=hello')
      expect((runs.body.runs as { run_id: string }[]).map((r) => r.run_id)).toContain(runId)
      const logs = await get(`/api/v1/pipelines/runs/${runId}/logs?step=greet`)
      expect(logs.body.steps).toMatchObject([
        { step: 'greet', status: 'succeeded', log_tail: '[stdout] greeted' },
      ])
      const cancel = await send('POST', `/api/v1/pipelines/runs/${runId}/cancel`)
      expect(cancel).toEqual({
        status: 409,
        body: {
          error_code: 'INVALID_STATE',
          message: `Pipeline run '${runId}' is already succeeded; only running runs can be cancelled`,
        },
      })
      const detail = await get('/api/v1/pipelines/hello')
      expect(detail.body).toMatchObject({
        pipeline: { name: 'hello' },
        schedules: [],
        triggers: [],
      })
    })

    it('answers bad input with 4xx naming the field', async () => {
      expect(await send('POST', '/api/v1/pipelines/hello/runs', { params: { nope: 1 } })).toEqual({
        status: 400,
        body: {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: "Unknown parameter 'nope' (parameters: who)",
        },
      })
      expect(
        (await send('POST', '/api/v1/pipelines/hello/runs', { paramz: {} })).body,
      ).toMatchObject({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining('paramz'),
      })
      expect(await send('POST', '/api/v1/pipelines/nope/runs')).toEqual({
        status: 404,
        body: {
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: "No pipeline named 'nope'; register it with 'lathe pipelines run <file>'",
        },
      })
      expect((await get(`/api/v1/pipelines/runs/${'0'.repeat(32)}`)).status).toBe(404)
      expect((await get('/api/v1/pipelines/runs?status=weird')).status).toBe(400)
    })

    it('adds, lists and removes schedules and triggers', async () => {
      const schedule = await send('POST', '/api/v1/pipelines/hello/schedules', {
        cron: '0 6 * * *',
        timezone: 'Europe/Paris',
      })
      expect(schedule.status).toBe(200)
      expect(schedule.body.schedule).toMatchObject({
        pipeline: 'hello',
        cron: '0 6 * * *',
        timezone: 'Europe/Paris',
      })
      const badCron = await send('POST', '/api/v1/pipelines/hello/schedules', { cron: 'every day' })
      expect(badCron.status).toBe(400)
      expect(badCron.body.message).toMatch(/^Invalid cron 'every day'/)
      const badZone = await send('POST', '/api/v1/pipelines/hello/schedules', {
        cron: '0 6 * * *',
        timezone: 'Mars/Olympus',
      })
      expect(badZone.body.message).toMatch(/^Invalid timezone 'Mars\/Olympus'/)
      const trigger = await send('POST', '/api/v1/pipelines/hello/triggers', {
        event: 'dataset.version_created',
        match: { name: 'churn' },
        debounce_ms: 5000,
      })
      expect(trigger.body.trigger).toMatchObject({
        event: 'dataset.version_created',
        match: { name: 'churn' },
        debounce_ms: 5000,
      })
      const badEvent = await send('POST', '/api/v1/pipelines/hello/triggers', {
        event: 'run.created',
      })
      expect(badEvent.body.message).toMatch(
        /^Cannot trigger on 'run.created'; events: dataset.version_created/,
      )
      const id = (schedule.body.schedule as { id: string }).id
      expect((await get('/api/v1/pipelines/schedules')).body.schedules).toMatchObject([{ id }])
      expect((await send('DELETE', `/api/v1/pipelines/schedules/${id}`)).status).toBe(200)
      expect((await send('DELETE', `/api/v1/pipelines/schedules/${id}`)).status).toBe(404)
      const triggerId = (trigger.body.trigger as { id: string }).id
      expect((await send('DELETE', `/api/v1/pipelines/triggers/${triggerId}`)).status).toBe(200)
    })
  })
}
