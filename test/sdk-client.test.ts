import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LatheApiError, LatheClient, type Run } from '../src/sdk/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** The error a promise rejects with, as the fields a caller branches on. */
async function apiError(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof LatheApiError))
    throw new Error(`expected a LatheApiError, got ${String(err)}`)
  return { status: err.status, errorCode: err.errorCode, message: err.message }
}

for (const backend of testBackends) {
  describe(`LatheClient against a listening server (${backend.name})`, () => {
    let t: TestLathe
    let client: LatheClient
    let work: string
    let experimentId: string
    let run: Run

    beforeAll(async () => {
      t = await startTestLathe(backend)
      await t.app.listen({ host: '127.0.0.1', port: 0 })
      const { port } = t.app.server.address() as AddressInfo
      client = new LatheClient({ trackingUri: `http://127.0.0.1:${port}/`, user: 'ada' })
      work = await mkdtemp(join(tmpdir(), 'lathe-sdk-'))
      experimentId = await client.createExperiment('sdk', { tags: [{ key: 'team', value: 'ml' }] })
      run = await client.createRun({ experimentId, runName: 'first', startTime: 1000 })
    })
    afterAll(async () => {
      await t.close()
      await rm(work, { recursive: true, force: true })
    })

    it('creates and finds experiments', async () => {
      const found = await client.getExperimentByName('sdk')
      expect(found).toMatchObject({
        experimentId,
        name: 'sdk',
        lifecycleStage: 'active',
        tags: [{ key: 'team', value: 'ml' }],
      })
      expect(await client.getExperiment(experimentId)).toEqual(found)
      expect(await client.getExperimentByName('absent')).toBeUndefined()
      const page = await client.searchExperiments({ filter: "name = 'sdk'" })
      expect(page).toEqual({ items: [found], nextPageToken: undefined })
    })

    it('logs params, tags, metrics and inputs, and reads them back camelCased', async () => {
      const runId = run.info.runId
      expect(run.info).toMatchObject({ runName: 'first', userId: 'ada', status: 'RUNNING' })
      await client.logParam(runId, 'lr', 0.1)
      await client.setTag(runId, 'stage', 'dev')
      await client.logMetric(runId, 'loss', Number.NaN, { step: 3, timestamp: 5 })
      await client.logInputs(runId, [
        {
          tags: [{ key: 'mlflow.data.context', value: 'train' }],
          dataset: { name: 'iris', digest: 'abc', sourceType: 'local', source: 'iris.csv' },
        },
      ])
      const got = await client.getRun(runId)
      expect(got.data.params).toEqual([{ key: 'lr', value: '0.1' }])
      expect(got.data.tags).toContainEqual({ key: 'stage', value: 'dev' })
      expect(got.data.metrics).toEqual([{ key: 'loss', value: Number.NaN, timestamp: 5, step: 3 }])
      expect(got.inputs.datasetInputs).toEqual([
        {
          tags: [{ key: 'mlflow.data.context', value: 'train' }],
          dataset: {
            name: 'iris',
            digest: 'abc',
            sourceType: 'local',
            source: 'iris.csv',
            schema: undefined,
            profile: undefined,
          },
        },
      ])
    })

    it('chunks a large batch to the limits and pages through metric history', async () => {
      const { info } = await client.createRun({ experimentId, runName: 'batch' })
      const metrics = Array.from({ length: 2500 }, (_, i) => ({
        key: 'acc',
        value: i / 2500,
        timestamp: 10 + i,
        step: i,
      }))
      const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }))
      const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: String(i) }))
      await client.logBatch(info.runId, { metrics, params, tags })
      const got = await client.getRun(info.runId)
      expect(got.data.params).toHaveLength(150)
      expect(got.data.tags.filter((tag) => tag.key.startsWith('t'))).toHaveLength(120)
      expect(got.data.metrics).toEqual([metrics[2499]])
      expect(await client.getMetricHistory(info.runId, 'acc', { pageSize: 1000 })).toEqual(metrics)
    })

    it('refuses bad calls with the server error code, status and message', async () => {
      expect(await apiError(client.getRun('f'.repeat(32)))).toMatchObject({
        status: 404,
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        message: expect.stringContaining('not found'),
      })
      expect(await apiError(client.logParam(run.info.runId, 'lr', 0.2))).toMatchObject({
        status: 400,
        errorCode: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining('Changing param values is not allowed'),
      })
      expect(await apiError(client.createExperiment('sdk'))).toMatchObject({
        errorCode: 'RESOURCE_ALREADY_EXISTS',
      })
    })

    it('searches runs page by page and ends runs', async () => {
      const id = await client.createExperiment('paged')
      const made: string[] = []
      for (let i = 0; i < 5; i++) {
        const { info } = await client.createRun({ experimentId: id, startTime: 100 + i })
        made.push(info.runId)
      }
      await client.endRun(made[0]!, 'FAILED')
      const first = await client.searchRuns({ experimentIds: [id], maxResults: 2 })
      expect(first.items).toHaveLength(2)
      expect(first.nextPageToken).toEqual(expect.any(String))
      const all: string[] = []
      for await (const r of client.searchAllRuns({ experimentIds: [id], maxResults: 2 })) {
        all.push(r.info.runId)
      }
      expect(all).toEqual([...made].reverse())
      const failed = await client.searchRuns({
        experimentIds: [id],
        filter: "attributes.status = 'FAILED'",
      })
      expect(failed.items.map((r) => [r.info.runId, r.info.endTime !== undefined])).toEqual([
        [made[0], true],
      ])
    })

    it('streams artifacts up and down, recursing into directories', async () => {
      const runId = run.info.runId
      const local = join(work, 'local')
      await mkdir(join(local, 'tree', 'nested'), { recursive: true })
      const big = randomBytes(3 * 1024 * 1024)
      await writeFile(join(local, 'model.bin'), big)
      await writeFile(join(local, 'notes.txt'), 'hello')
      await writeFile(join(local, 'tree', 'a.txt'), 'a')
      await writeFile(join(local, 'tree', 'nested', 'b.txt'), 'bb')
      await client.logArtifact(runId, join(local, 'notes.txt'))
      await client.logArtifact(runId, join(local, 'model.bin'), 'model/weights')
      await client.logArtifacts(runId, join(local, 'tree'), 'tree')
      expect(await client.listArtifacts(runId)).toEqual([
        { path: 'model', isDir: true, sizeBytes: undefined },
        { path: 'notes.txt', isDir: false, sizeBytes: 5 },
        { path: 'tree', isDir: true, sizeBytes: undefined },
      ])
      expect(await client.listArtifacts(runId, 'tree/nested')).toEqual([
        { path: 'tree/nested/b.txt', isDir: false, sizeBytes: 2 },
      ])
      const dst = join(work, 'all')
      expect(await client.downloadArtifacts(runId, '', dst)).toBe(dst)
      // Compared by digest: a deep equality over megabytes of bytes takes the test runner a minute.
      expect(sha256(await readFile(join(dst, 'model', 'weights', 'model.bin')))).toBe(sha256(big))
      expect(await readFile(join(dst, 'notes.txt'), 'utf8')).toBe('hello')
      expect(await readFile(join(dst, 'tree', 'nested', 'b.txt'), 'utf8')).toBe('bb')
      const one = await client.downloadArtifacts(runId, 'tree/a.txt', join(work, 'one'))
      expect(one).toBe(join(work, 'one', 'tree', 'a.txt'))
      expect(await readFile(one, 'utf8')).toBe('a')
      await expect(client.logArtifact(runId, local)).rejects.toThrow(/is a directory/)
    })
  })
}

describe('LatheClient retries', () => {
  let server: Server
  let requests: { method: string | undefined; url: string | undefined }[]
  let answers: { status: number; headers?: Record<string, string>; body: string }[]
  let trackingUri: string

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ method: req.method, url: req.url })
      const answer = answers.shift() ?? { status: 503, body: 'still down' }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    trackingUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())))

  const experiment = { experiment_id: '7', name: 'e', artifact_location: 'mlflow-artifacts:/7' }

  it('retries 503 twice, honouring Retry-After, then reads the 200', async () => {
    requests = []
    answers = [
      { status: 503, headers: { 'retry-after': '0' }, body: 'busy' },
      {
        status: 503,
        headers: { 'retry-after': '0' },
        body: '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}',
      },
      { status: 200, body: JSON.stringify({ experiment }) },
    ]
    // Were Retry-After ignored, the 20 s backoff would outlast the test's timeout.
    const client = new LatheClient({ trackingUri, retry: { backoffMs: 20_000 } })
    expect(await client.getExperiment('7')).toMatchObject({ experimentId: '7', name: 'e' })
    expect(requests).toEqual(
      Array(3).fill({ method: 'GET', url: '/api/2.0/mlflow/experiments/get?experiment_id=7' }),
    )
  })

  it('gives up after maxRetries with the last answer as a LatheApiError', async () => {
    requests = []
    answers = []
    const client = new LatheClient({ trackingUri, retry: { maxRetries: 2, backoffMs: 1 } })
    expect(await apiError(client.getExperiment('7'))).toMatchObject({
      status: 503,
      errorCode: 'TEMPORARILY_UNAVAILABLE',
    })
    expect(requests).toHaveLength(3)
  })

  it('does not retry a client error', async () => {
    requests = []
    answers = [{ status: 400, body: '{"error_code":"INVALID_PARAMETER_VALUE","message":"no"}' }]
    const client = new LatheClient({ trackingUri, retry: { backoffMs: 1 } })
    expect(await apiError(client.setTag('r', 'k', 'v'))).toEqual({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
      message: 'no',
    })
    expect(requests).toHaveLength(1)
  })
})
