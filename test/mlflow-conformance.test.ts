import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import type { MlflowClient } from './support/mlflow-client.js'
import { RestError, startMlflowServer } from './support/mlflow-client.js'

/*
 * The MLflow Python client's own call sequences (reference/mlflow-rest.md §3.7), sent over a
 * real socket to a listening server, reading back only what the client reads.
 */

const HEX32 = /^[0-9a-f]{32}$/
const anyTime = expect.any(Number) as unknown as number

/** The tags fluent `start_run` resolves before it creates a run. */
const startRunTags = [
  { key: 'mlflow.user', value: 'ada' },
  { key: 'mlflow.source.name', value: 'train.py' },
  { key: 'mlflow.source.type', value: 'LOCAL' },
  { key: 'mlflow.source.git.commit', value: 'a'.repeat(40) },
]

async function rejection(
  promise: Promise<unknown>,
): Promise<Pick<RestError, 'status' | 'errorCode'>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof RestError)) throw new Error(`expected a RestError, got ${String(err)}`)
  return { status: err.status, errorCode: err.errorCode }
}

for (const backend of testBackends) {
  describe(`MLflow Python client conformance (${backend.name})`, () => {
    let server: Awaited<ReturnType<typeof startMlflowServer>>
    let client: MlflowClient
    beforeAll(async () => {
      server = await startMlflowServer(backend)
      client = server.client
    })
    afterAll(async () => server.close())

    it('set_experiment creates once, then finds the same experiment by name', async () => {
      const created = await client.setExperiment('conformance')
      expect(created).toEqual({
        experiment_id: expect.stringMatching(/^[1-9]\d*$/),
        name: 'conformance',
        artifact_location: `mlflow-artifacts:/${created.experiment_id}`,
        lifecycle_stage: 'active',
        creation_time: anyTime,
        last_update_time: anyTime,
        tags: [],
      })
      expect(await client.setExperiment('conformance')).toEqual(created)
      expect(await client.getExperimentByName('no such experiment')).toBeUndefined()
    })

    it('logs to the Default experiment "0" when none is set', async () => {
      const experiment = await client.getExperiment('0')
      expect(experiment).toMatchObject({
        experiment_id: '0',
        name: 'Default',
        lifecycle_stage: 'active',
      })
      const run = await client.createRun('0', { tags: startRunTags })
      expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/0/${run.info.run_id}/artifacts`)
    })

    it('start_run → log_param/metric/batch → set_tag → end_run reads back as logged', async () => {
      const { experiment_id } = await client.setExperiment('lifecycle')
      const run = await client.createRun(experiment_id, {
        startTime: 1_700_000_000_000,
        tags: [...startRunTags, { key: 'mlflow.runName', value: 'first' }],
        runName: 'first',
      })
      const runId = run.info.run_id
      expect(runId).toMatch(HEX32)
      expect(run.info).toEqual({
        run_id: runId,
        run_uuid: runId,
        run_name: 'first',
        experiment_id,
        user_id: 'ada',
        status: 'RUNNING',
        start_time: 1_700_000_000_000,
        end_time: 0,
        artifact_uri: `mlflow-artifacts:/${experiment_id}/${runId}/artifacts`,
        lifecycle_stage: 'active',
      })

      await client.logParam(runId, 'lr', '0.01')
      await client.logParam(runId, 'lr', '0.01') // the same value again is fine
      await client.logMetric(runId, { key: 'loss', value: 0.9, timestamp: 1000, step: 0 })
      await client.logMetric(runId, { key: 'loss', value: 0.5, timestamp: 1001, step: 1 })
      await client.logMetric(runId, { key: 'loss', value: 0.5, timestamp: 1001, step: 1 }) // retry
      await client.logBatch(runId, {
        metrics: [
          { key: 'acc', value: Number.NaN, timestamp: 1002, step: 0 },
          { key: 'acc', value: 0.75, timestamp: 1003, step: 1 },
          { key: 'inf', value: Infinity, timestamp: 1004, step: 0 },
        ],
        params: [
          { key: 'epochs', value: '3' },
          { key: 'optimizer', value: 'adam' },
        ],
        tags: [{ key: 'team', value: 'vision' }],
      })
      await client.setTag(runId, 'stage', 'dev')
      const ended = await client.updateRun(runId, {
        status: 'FINISHED',
        endTime: 1_700_000_005_000,
      })
      expect(ended).toEqual({ ...run.info, status: 'FINISHED', end_time: 1_700_000_005_000 })

      const got = await client.getRun(runId)
      expect(got.data).toEqual({
        metrics: [
          { key: 'acc', value: 0.75, timestamp: 1003, step: 1 },
          { key: 'inf', value: Infinity, timestamp: 1004, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 1001, step: 1 },
        ],
        params: [
          { key: 'epochs', value: '3' },
          { key: 'lr', value: '0.01' },
          { key: 'optimizer', value: 'adam' },
        ],
        tags: [
          { key: 'mlflow.runName', value: 'first' },
          { key: 'mlflow.source.git.commit', value: 'a'.repeat(40) },
          { key: 'mlflow.source.name', value: 'train.py' },
          { key: 'mlflow.source.type', value: 'LOCAL' },
          { key: 'mlflow.user', value: 'ada' },
          { key: 'stage', value: 'dev' },
          { key: 'team', value: 'vision' },
        ],
      })
      const history = await client.getMetricHistory(runId, 'loss')
      expect(history).toEqual({
        items: [
          { key: 'loss', value: 0.9, timestamp: 1000, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 1001, step: 1 },
        ],
        nextPageToken: undefined,
      })
      const acc = await client.getMetricHistory(runId, 'acc')
      expect(acc.items.map((m) => m.value)).toEqual([Number.NaN, 0.75])
    })

    it('a param never changes: a different value is 400 INVALID_PARAMETER_VALUE', async () => {
      const run = await client.createRun('0', { tags: startRunTags })
      await client.logParam(run.info.run_id, 'depth', '3')
      expect(await rejection(client.logParam(run.info.run_id, 'depth', '4'))).toEqual({
        status: 400,
        errorCode: 'INVALID_PARAMETER_VALUE',
      })
      const batch = client.logBatch(run.info.run_id, {
        params: [{ key: 'depth', value: '5' }],
        metrics: [{ key: 'not-written', value: 1, timestamp: 1, step: 0 }],
      })
      expect((await rejection(batch)).status).toBe(400)
      const got = await client.getRun(run.info.run_id)
      expect({ params: got.data.params, metrics: got.data.metrics }).toEqual({
        params: [{ key: 'depth', value: '3' }],
        metrics: [],
      })
    })

    it('run names: generated when absent, mirrored into mlflow.runName, renamed by update', async () => {
      const run = await client.createRun('0', { tags: startRunTags })
      expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/)
      const tag = (r: typeof run) => r.data.tags.find((t) => t.key === 'mlflow.runName')?.value
      expect(tag(run)).toBe(run.info.run_name)
      await client.updateRun(run.info.run_id, { runName: 'renamed' })
      const renamed = await client.getRun(run.info.run_id)
      expect([renamed.info.run_name, tag(renamed)]).toEqual(['renamed', 'renamed'])
      await client.setTag(run.info.run_id, 'mlflow.runName', 'by-tag')
      const byTag = await client.getRun(run.info.run_id)
      expect([byTag.info.run_name, tag(byTag)]).toEqual(['by-tag', 'by-tag'])
    })

    it('resumes a run: runs/get → runs/update RUNNING → log-batch of new tags → runs/get', async () => {
      const run = await client.createRun('0', { tags: startRunTags })
      const runId = run.info.run_id
      await client.updateRun(runId, { status: 'FINISHED', endTime: run.info.start_time + 1 })
      await client.getRun(runId)
      const resumed = await client.updateRun(runId, { status: 'RUNNING' })
      await client.logBatch(runId, { tags: [{ key: 'resumed', value: 'yes' }] })
      const got = await client.getRun(runId)
      expect([resumed.status, got.info.status]).toEqual(['RUNNING', 'RUNNING'])
      expect(got.data.tags).toContainEqual({ key: 'resumed', value: 'yes' })
    })

    it('log_artifact, list and download_artifacts (recursing into directories)', async () => {
      const run = await client.createRun('0', { tags: startRunTags })
      const runId = run.info.run_id
      await client.logArtifact(runId, 'model.txt', 'weights')
      await client.logArtifact(runId, 'MLmodel', 'flavors: {}', 'model')
      await client.logArtifact(runId, 'conda.yaml', 'name: env', 'model')
      await client.logArtifact(runId, 'deep.json', '{"a":1}', 'model/sub/dir')
      expect(await client.listArtifacts(runId)).toEqual([
        { path: 'model', is_dir: true, file_size: 0 },
        { path: 'model.txt', is_dir: false, file_size: 7 },
      ])
      expect(await client.downloadArtifacts(runId)).toEqual({
        'model.txt': 'weights',
        'model/MLmodel': 'flavors: {}',
        'model/conda.yaml': 'name: env',
        'model/sub/dir/deep.json': '{"a":1}',
      })
      expect(await client.downloadArtifacts(runId, 'model/sub')).toEqual({
        'model/sub/dir/deep.json': '{"a":1}',
      })
      await client.logArtifact(runId, '__init__.py', '', 'model/code')
      expect(await client.downloadArtifacts(runId, 'model/code')).toEqual({
        'model/code/__init__.py': '',
      })
      const root = `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts`
      const deleted = await fetch(`${root}/model/code`, { method: 'DELETE' })
      expect([deleted.status, await deleted.json()]).toEqual([200, {}])
      expect((await fetch(`${root}/model/code/__init__.py`)).status).toBe(404)
      const listed = await client.call('GET', 'artifacts/list', { run_id: runId, path: 'model' })
      expect(listed).toEqual({
        root_uri: run.info.artifact_uri,
        files: [
          { path: 'model/MLmodel', is_dir: false, file_size: 11 },
          { path: 'model/conda.yaml', is_dir: false, file_size: 9 },
          { path: 'model/sub', is_dir: true },
        ],
      })
    })

    it('search_runs pages through every run exactly once, in the default order', async () => {
      const { experiment_id } = await client.setExperiment('paging')
      const ids: string[] = []
      for (let i = 0; i < 7; i++) {
        const run = await client.createRun(experiment_id, {
          startTime: 1000 + i,
          tags: startRunTags,
        })
        ids.push(run.info.run_id)
      }
      const pages = await client.all((pageToken) =>
        client.searchRuns({ experimentIds: [experiment_id], maxResults: 3, pageToken }),
      )
      expect(pages.map((p) => p.map((r) => r.info.run_id))).toEqual([
        ids.slice(4).reverse(),
        ids.slice(1, 4).reverse(),
        ids.slice(0, 1),
      ])
      const ascending = await client.all((pageToken) =>
        client.searchRuns({
          experimentIds: [experiment_id],
          maxResults: 4,
          orderBy: ['attributes.start_time ASC'],
          pageToken,
        }),
      )
      expect(ascending.flat().map((r) => r.info.run_id)).toEqual(ids)
    })

    it('get_metric_history pages through every point once, by step then timestamp', async () => {
      const run = await client.createRun('0', { tags: startRunTags })
      const points = Array.from({ length: 25 }, (_, i) => ({
        key: 'curve',
        value: i / 10,
        timestamp: 5000 - i,
        step: i,
      }))
      await client.logBatch(run.info.run_id, { metrics: [...points].reverse() })
      const pages = await client.all((pageToken) =>
        client.getMetricHistory(run.info.run_id, 'curve', { maxResults: 10, pageToken }),
      )
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5])
      expect(pages.flat()).toEqual(points)
    })

    it('answers the same handlers under /ajax-api (the UI prefix)', async () => {
      const response = await fetch(
        `${server.url}/ajax-api/2.0/mlflow/experiments/get?experiment_id=0`,
      )
      expect(response.status).toBe(200)
      expect((await response.json()) as unknown).toMatchObject({ experiment: { name: 'Default' } })
    })
  })
}
