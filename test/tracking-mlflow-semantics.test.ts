import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/** Server behaviours MLflow's own store has that clients can observe. */
for (const backend of testBackends) {
  describe(`MLflow store semantics (${backend.name})`, () => {
    let t: TestLathe
    beforeAll(async () => {
      t = await startTestLathe(backend)
    })
    afterAll(async () => t.close())

    const post = (path: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/2.0/mlflow/${path}`, payload })

    it('deletes an experiment with its runs, and restores exactly those runs', async () => {
      const { experiment_id } = (await post('experiments/create', { name: 'cascade' })).json()
      const ids: string[] = []
      for (let i = 0; i < 3; i++)
        ids.push((await post('runs/create', { experiment_id })).json().run.info.run_id)
      await post('runs/delete', { run_id: ids[0] }) // deleted before the experiment: stays deleted
      expect((await post('experiments/delete', { experiment_id })).statusCode).toBe(200)
      const stages = async () => {
        const { runs } = (
          await post('runs/search', { experiment_ids: [experiment_id], run_view_type: 'ALL' })
        ).json()
        return Object.fromEntries(
          runs.map((r: { info: { run_id: string; lifecycle_stage: string } }) => [
            r.info.run_id,
            r.info.lifecycle_stage,
          ]),
        )
      }
      expect(await stages()).toEqual({
        [ids[0]!]: 'deleted',
        [ids[1]!]: 'deleted',
        [ids[2]!]: 'deleted',
      })
      await post('experiments/restore', { experiment_id })
      expect(await stages()).toEqual({
        [ids[0]!]: 'deleted',
        [ids[1]!]: 'active',
        [ids[2]!]: 'active',
      })
    })

    it('answers the whole metric history when max_results is absent, and pages when it is given', async () => {
      const runId = (await post('runs/create', { experiment_id: '0' })).json().run.info.run_id
      // More than one default page of the old server (25,000) so a silent cap would show.
      for (let b = 0; b < 26; b++) {
        const metrics = Array.from({ length: 1000 }, (_, i) => ({
          key: 'loss',
          value: i,
          timestamp: b,
          step: b * 1000 + i,
        }))
        expect((await post('runs/log-batch', { run_id: runId, metrics })).statusCode).toBe(200)
      }
      const all = await t.app.inject({
        method: 'GET',
        url: `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`,
      })
      expect(all.json().metrics).toHaveLength(26_000)
      expect(all.json().next_page_token).toBeUndefined()
      const paged = await t.app.inject({
        method: 'GET',
        url: `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1000`,
      })
      expect(paged.json().metrics).toHaveLength(1000)
      expect(paged.json().next_page_token).toEqual(expect.any(String))
    })

    it('refuses a run_name that disagrees with the mlflow.runName tag', async () => {
      const response = await post('runs/create', {
        experiment_id: '0',
        run_name: 'a',
        tags: [{ key: 'mlflow.runName', value: 'b' }],
      })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified",
        ),
      })
      const same = await post('runs/create', {
        experiment_id: '0',
        run_name: 'a',
        tags: [{ key: 'mlflow.runName', value: 'a' }],
      })
      expect(same.json().run.info.run_name).toBe('a')
    })
  })
}
