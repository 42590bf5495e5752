import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { MlflowClient, RestError, startMlflowServer, type Metric } from './support/mlflow-client.js'

/*
 * Eight clients writing at once over HTTP, each retrying every batch once (as the Python client
 * does after a timeout): every point lands exactly once, to one shared run and to eight runs.
 */

const CLIENTS = 8
const BATCHES = 4
const BATCH_SIZE = 50

/** Client `c`'s batch `b`: steps unique across all clients, values derived from the step. */
function batch(c: number, b: number, key: string): Metric[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => {
    const step = (c * BATCHES + b) * BATCH_SIZE + i
    return { key, value: step / 7, timestamp: 1_000_000 + step, step }
  })
}

async function history(client: MlflowClient, runId: string, key: string): Promise<Metric[]> {
  const pages = await client.all((pageToken) =>
    client.getMetricHistory(runId, key, { maxResults: 1000, pageToken }),
  )
  return pages.flat()
}

function expected(clients: number[], key: string): Metric[] {
  return clients.flatMap((c) => Array.from({ length: BATCHES }, (_, b) => batch(c, b, key)).flat())
}

for (const backend of testBackends) {
  describe(`concurrent writers (${backend.name})`, () => {
    let server: Awaited<ReturnType<typeof startMlflowServer>>
    let clients: MlflowClient[]
    beforeAll(async () => {
      server = await startMlflowServer(backend)
      clients = Array.from({ length: CLIENTS }, () => new MlflowClient(server.url))
    })
    afterAll(async () => server.close())

    async function logAll(runIdOf: (c: number) => string, key: string): Promise<void> {
      await Promise.all(
        clients.map(async (client, c) => {
          for (let b = 0; b < BATCHES; b++) {
            const metrics = batch(c, b, key)
            const params = [{ key: 'shared', value: 'same' }]
            const tags = [{ key: `writer-${c}`, value: String(b) }]
            await client.logBatch(runIdOf(c), { metrics, params, tags })
            await client.logBatch(runIdOf(c), { metrics, params, tags }) // the retry
          }
        }),
      )
    }

    it('loses and duplicates no point when 8 clients log to one run', async () => {
      const { experiment_id } = await clients[0]!.setExperiment('concurrent')
      const run = await clients[0]!.createRun(experiment_id)
      await logAll(() => run.info.run_id, 'loss')
      const points = await history(clients[0]!, run.info.run_id, 'loss')
      expect(points).toHaveLength(CLIENTS * BATCHES * BATCH_SIZE)
      expect(points).toEqual(expected([...clients.keys()], 'loss').sort((a, b) => a.step - b.step))
      const got = await clients[0]!.getRun(run.info.run_id)
      const last = CLIENTS * BATCHES * BATCH_SIZE - 1
      expect(got.data.metrics).toEqual([
        { key: 'loss', value: last / 7, timestamp: 1_000_000 + last, step: last },
      ])
      expect(got.data.params).toEqual([{ key: 'shared', value: 'same' }])
      expect(got.data.tags.filter((t) => t.key.startsWith('writer-'))).toHaveLength(CLIENTS)
    })

    it('loses and duplicates no point when 8 clients log to 8 runs', async () => {
      const runs = await Promise.all(clients.map((client) => client.createRun('0')))
      await logAll((c) => runs[c]!.info.run_id, 'acc')
      for (const [c, run] of runs.entries()) {
        expect(await history(clients[c]!, run.info.run_id, 'acc')).toEqual(expected([c], 'acc'))
      }
    })

    it('lets exactly one of 8 racing writers set a param, and refuses the others with 400', async () => {
      const run = await clients[0]!.createRun('0')
      const results = await Promise.all(
        clients.map((client, c) =>
          client.logParam(run.info.run_id, 'seed', String(c)).then(
            () => 'ok',
            (err: unknown) =>
              err instanceof RestError ? `${err.status} ${err.errorCode}` : String(err),
          ),
        ),
      )
      expect(results.filter((r) => r === 'ok')).toHaveLength(1)
      expect(results.filter((r) => r !== 'ok')).toEqual(
        Array(CLIENTS - 1).fill('400 INVALID_PARAMETER_VALUE'),
      )
      const winner = String(results.indexOf('ok'))
      expect((await clients[0]!.getRun(run.info.run_id)).data.params).toEqual([
        { key: 'seed', value: winner },
      ])
    })

    it('creates one experiment when 8 clients set_experiment the same new name', async () => {
      const experiments = await Promise.all(clients.map((client) => client.setExperiment('raced')))
      expect(new Set(experiments.map((e) => e.experiment_id)).size).toBe(1)
      const found = await clients[0]!.searchExperiments({ filter: "name = 'raced'" })
      expect(found.items).toHaveLength(1)
    })

    it('keeps every model of 8 concurrent log-model calls in the history tag', async () => {
      const run = await clients[0]!.createRun('0')
      await Promise.all(
        clients.map((client, c) =>
          client.call('POST', 'runs/log-model', {
            run_id: run.info.run_id,
            model_json: JSON.stringify({ artifact_path: `model-${c}`, flavors: {} }),
          }),
        ),
      )
      const tags = (await clients[0]!.getRun(run.info.run_id)).data.tags
      const history = JSON.parse(tags.find((t) => t.key === 'mlflow.log-model.history')!.value) as {
        artifact_path: string
      }[]
      expect(history.map((m) => m.artifact_path).sort()).toEqual(
        clients.map((_, c) => `model-${c}`).sort(),
      )
    })
  })
}
