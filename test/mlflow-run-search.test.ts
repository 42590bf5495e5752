import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { startMlflowServer, type MlflowClient } from './support/mlflow-client.js'

/*
 * runs/search over the whole grammar: every identifier kind, every operator, AND, order_by,
 * page tokens and run_view_type; plus the run lifecycle calls the search reflects.
 */

type Name = 'r1' | 'r2' | 'r3' | 'r4' | 'r5'

/** Five runs with overlapping metrics, params, tags and datasets; r5 ends up deleted. */
async function seed(client: MlflowClient, experimentId: string): Promise<Record<Name, string>> {
  const ids = {} as Record<Name, string>
  const metric = (key: string, value: number) => ({ key, value, timestamp: 1, step: 0 })
  const specs: [Name, Parameters<MlflowClient['logBatch']>[1]][] = [
    [
      'r1',
      {
        metrics: [metric('acc', 0.9), metric('loss', 0.1)],
        params: [{ key: 'model', value: 'gbdt' }],
        tags: [
          { key: 'team', value: 'vision' },
          { key: 'note', value: 'Hello World' },
        ],
      },
    ],
    [
      'r2',
      {
        metrics: [metric('acc', 0.8), metric('loss', 0.3)],
        params: [{ key: 'model', value: 'linear' }],
        tags: [{ key: 'team', value: 'nlp' }],
      },
    ],
    [
      'r3',
      {
        metrics: [metric('acc', 0.5), metric('loss', Number.NaN)],
        params: [{ key: 'model', value: 'gbdt' }],
        tags: [
          { key: 'team', value: 'vision' },
          { key: 'note', value: 'hello there' },
        ],
      },
    ],
    ['r4', { params: [{ key: 'model', value: 'tree' }] }],
    ['r5', { metrics: [metric('acc', 0.95)], params: [{ key: 'model', value: 'gbdt' }] }],
  ]
  for (const [i, [name, batch]] of specs.entries()) {
    const run = await client.createRun(experimentId, { runName: name, startTime: 1000 * (i + 1) })
    ids[name] = run.info.run_id
    await client.logBatch(run.info.run_id, batch)
  }
  const dataset = (context: string) => ({
    tags: [{ key: 'mlflow.data.context', value: context }],
    dataset: { name: 'iris', digest: 'd1', source_type: 'local', source: 'iris.csv' },
  })
  await client.call('POST', 'runs/log-inputs', { run_id: ids.r1, datasets: [dataset('training')] })
  await client.call('POST', 'runs/log-inputs', { run_id: ids.r2, datasets: [dataset('eval')] })
  await client.updateRun(ids.r4, { status: 'FINISHED', endTime: 9000 })
  await client.call('POST', 'runs/delete', { run_id: ids.r5 })
  return ids
}

for (const backend of testBackends) {
  describe(`MLflow runs/search (${backend.name})`, () => {
    let server: Awaited<ReturnType<typeof startMlflowServer>>
    let client: MlflowClient
    let experimentId: string
    let ids: Record<Name, string>
    /** Run names found by `filter` (and order_by), in the order the server returned them. */
    let names: (
      filter: string,
      opts?: { orderBy?: string[]; runViewType?: string },
    ) => Promise<string[]>
    beforeAll(async () => {
      server = await startMlflowServer(backend)
      client = server.client
      experimentId = await client.createExperiment('search')
      ids = await seed(client, experimentId)
      names = async (filter, opts = {}) => {
        const page = await client.searchRuns({ experimentIds: [experimentId], filter, ...opts })
        return page.items.map((r) => r.info.run_name)
      }
    })
    afterAll(async () => server.close())

    it('filters with every operator on metrics, params, tags, attributes and datasets', async () => {
      // prettier-ignore
      const table: [string, string[]][] = [
        ['', ['r4', 'r3', 'r2', 'r1']],
        ['metrics.acc > 0.85', ['r1']],
        ['metrics.acc >= 0.8', ['r2', 'r1']],
        ['metrics.acc < 0.8', ['r3']],
        ['metrics.acc <= 0.5', ['r3']],
        ['metrics.acc = 0.9', ['r1']],
        ['metrics.acc != 0.9', ['r3', 'r2']],
        ['metrics."acc" > 1e-1', ['r3', 'r2', 'r1']],
        ['metrics.loss > 0', ['r2', 'r1']],
        ["params.model = 'gbdt'", ['r3', 'r1']],
        ["params.model != 'gbdt'", ['r4', 'r2']],
        ["params.model LIKE 'gb%'", ['r3', 'r1']],
        ["params.model LIKE 'GB%'", []],
        ["params.model ILIKE 'GB%'", ['r3', 'r1']],
        ["params.model IN ('linear', 'tree')", ['r4', 'r2']],
        ["params.model NOT IN ('linear', 'tree')", ['r3', 'r1']],
        ["tags.team = 'vision'", ['r3', 'r1']],
        ['tags.`team` != "vision"', ['r2']],
        ["tags.note LIKE '%Hello%'", ['r1']],
        ["tags.note ILIKE '%hello%'", ['r3', 'r1']],
        ["tags.`mlflow.runName` = 'r2'", ['r2']],
        ["attributes.status = 'FINISHED'", ['r4']],
        ["attributes.status IN ('RUNNING')", ['r3', 'r2', 'r1']],
        ["run_name LIKE 'r%' AND run_name NOT IN ('r1', 'r3')", ['r4', 'r2']],
        ["attributes.run_name ILIKE 'R1'", ['r1']],
        ['attributes.start_time >= 2000 AND attributes.start_time < 4000', ['r3', 'r2']],
        ['attributes.start_time > 1500.5', ['r4', 'r3', 'r2']],
        ['attributes.end_time > 0', ['r4']],
        ['attributes.created <= 1000', ['r1']],
        ["datasets.name = 'iris'", ['r2', 'r1']],
        ["datasets.digest = 'd1' AND datasets.context = 'eval'", ['r2']],
        ["datasets.context = 'training'", ['r1']],
        ["datasets.name LIKE 'ir%'", ['r2', 'r1']],
        ["metrics.acc > 0.7 AND params.model = 'gbdt' AND tags.team = 'vision'", ['r1']],
      ]
      const got: [string, string[]][] = []
      for (const [filter] of table) got.push([filter, await names(filter)])
      expect(got).toEqual(table)
      expect(await names(`attributes.run_id = '${ids.r2}'`)).toEqual(['r2'])
      expect(await names(`attributes.run_id IN ('${ids.r1}', '${ids.r4}')`)).toEqual(['r4', 'r1'])
    })

    it('orders by metrics, params, tags and attributes, missing values last', async () => {
      // prettier-ignore
      const table: [string, string[]][] = [
        ['metrics.acc DESC', ['r1', 'r2', 'r3', 'r4']],
        ['metrics.acc ASC', ['r3', 'r2', 'r1', 'r4']],
        ['params.model', ['r3', 'r1', 'r2', 'r4']],
        ['tags.team ASC', ['r2', 'r3', 'r1', 'r4']],
        ['attributes.run_name DESC', ['r4', 'r3', 'r2', 'r1']],
        ['attributes.start_time ASC', ['r1', 'r2', 'r3', 'r4']],
        ['end_time DESC', ['r4', 'r3', 'r2', 'r1']],
      ]
      const got: [string, string[]][] = []
      for (const [order] of table) got.push([order, await names('', { orderBy: [order] })])
      expect(got).toEqual(table)
      expect(await names('', { orderBy: ['params.model DESC', 'metrics.acc ASC'] })).toEqual([
        'r4',
        'r2',
        'r3',
        'r1',
      ])
    })

    it('pages an order on a metric through the runs lacking it (and NaN), nulls last', async () => {
      const paged = (orderBy: string, filter: string, maxResults: number) =>
        client.all((pageToken) =>
          client.searchRuns({
            experimentIds: [experimentId],
            filter,
            orderBy: [orderBy],
            maxResults,
            pageToken,
          }),
        )
      const cases: [string, string, number, string[][]][] = [
        ['metrics.acc DESC', '', 1, [['r1'], ['r2'], ['r3'], ['r4']]],
        ['metrics.acc DESC', '', 3, [['r1', 'r2', 'r3'], ['r4']]],
        [
          'metrics.acc ASC',
          '',
          2,
          [
            ['r3', 'r2'],
            ['r1', 'r4'],
          ],
        ],
        // r3's loss is NaN: it sorts with the runs that have none, newest first.
        [
          'metrics.loss ASC',
          '',
          2,
          [
            ['r1', 'r2'],
            ['r4', 'r3'],
          ],
        ],
        ['metrics.loss DESC', "params.model != 'linear'", 1, [['r1'], ['r4'], ['r3']]],
        ['tags.team DESC', "params.model = 'gbdt'", 5, [['r3', 'r1']]],
      ]
      for (const [orderBy, filter, size, expected] of cases) {
        const pages = await paged(orderBy, filter, size)
        expect(
          pages.map((p) => p.map((r) => r.info.run_name)),
          `${orderBy} by ${size}`,
        ).toEqual(expected)
      }
    })

    it('honours run_view_type and restores a deleted run into the active view', async () => {
      expect(await names('', { runViewType: 'DELETED_ONLY' })).toEqual(['r5'])
      expect(await names('', { runViewType: 'ALL' })).toEqual(['r5', 'r4', 'r3', 'r2', 'r1'])
      expect(await names("params.model = 'gbdt'", { runViewType: 'ALL' })).toEqual([
        'r5',
        'r3',
        'r1',
      ])
      const deleted = await client.getRun(ids.r5)
      expect(deleted.info.lifecycle_stage).toBe('deleted')
      await client.call('POST', 'runs/restore', { run_id: ids.r5 })
      expect(await names('metrics.acc > 0.85')).toEqual(['r5', 'r1'])
      await client.call('POST', 'runs/delete', { run_id: ids.r5 })
    })

    it('pages a filtered, ordered search with tokens, across experiments', async () => {
      const other = await client.createExperiment('search-other')
      const extra = await client.createRun(other, { runName: 'x1', startTime: 500 })
      await client.logBatch(extra.info.run_id, { params: [{ key: 'model', value: 'gbdt' }] })
      const pages = await client.all((pageToken) =>
        client.searchRuns({
          experimentIds: [experimentId, other],
          filter: "params.model = 'gbdt'",
          orderBy: ['attributes.start_time DESC'],
          maxResults: 1,
          pageToken,
        }),
      )
      expect(pages.map((p) => p.map((r) => r.info.run_name))).toEqual([['r3'], ['r1'], ['x1']])
    })

    it('reads inputs, log-model history and tag deletion back through runs/get', async () => {
      const r1 = await client.getRun(ids.r1)
      expect(r1.inputs.dataset_inputs).toEqual([
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: {
            name: 'iris',
            digest: 'd1',
            source_type: 'local',
            source: 'iris.csv',
            schema: '',
            profile: '',
          },
        },
      ])
      const model = (id: string) => ({
        artifact_path: 'model',
        run_id: ids.r2,
        model_uuid: id,
        flavors: {},
      })
      await client.call('POST', 'runs/log-model', {
        run_id: ids.r2,
        model_json: JSON.stringify(model('a')),
      })
      await client.call('POST', 'runs/log-model', {
        run_id: ids.r2,
        model_json: JSON.stringify(model('b')),
      })
      await client.call('POST', 'runs/delete-tag', { run_id: ids.r2, key: 'team' })
      const r2 = await client.getRun(ids.r2)
      const history = r2.data.tags.find((t) => t.key === 'mlflow.log-model.history')?.value
      expect(JSON.parse(history ?? '[]')).toEqual([model('a'), model('b')])
      expect(r2.data.tags.some((t) => t.key === 'team')).toBe(false)
      expect(await names("tags.team = 'nlp'")).toEqual([])
    })
  })
}
