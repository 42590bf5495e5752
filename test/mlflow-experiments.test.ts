import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import { RestError, startMlflowServer, type MlflowClient } from './support/mlflow-client.js'

/** Experiments over HTTP as MlflowClient drives them: lifecycle, tags and search. */

async function errorOf(promise: Promise<unknown>): Promise<[number, string]> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof RestError)) throw new Error(`expected a RestError, got ${String(err)}`)
  return [err.status, err.errorCode]
}

for (const backend of testBackends) {
  describe(`MLflow experiments (${backend.name})`, () => {
    let server: Awaited<ReturnType<typeof startMlflowServer>>
    let client: MlflowClient
    beforeAll(async () => {
      server = await startMlflowServer(backend)
      client = server.client
    })
    afterAll(async () => server.close())

    it('creates with tags and an in-store location, renames, tags, deletes and restores', async () => {
      const id = await client.createExperiment('exp-life', {
        artifactLocation: 'mlflow-artifacts:/custom/place',
        tags: [{ key: 'team', value: 'vision' }],
      })
      const created = await client.getExperiment(id)
      expect(created).toMatchObject({
        name: 'exp-life',
        artifact_location: 'mlflow-artifacts:/custom/place',
        tags: [{ key: 'team', value: 'vision' }],
      })
      const run = await client.createRun(id)
      expect(run.info.artifact_uri).toBe(
        `mlflow-artifacts:/custom/place/${run.info.run_id}/artifacts`,
      )

      await client.call('POST', 'experiments/update', {
        experiment_id: id,
        new_name: 'exp-renamed',
      })
      await client.call('POST', 'experiments/set-experiment-tag', {
        experiment_id: id,
        key: 'stage',
        value: 'dev',
      })
      await client.call('POST', 'experiments/set-experiment-tag', {
        experiment_id: id,
        key: 'team',
        value: 'nlp',
      })
      await client.call('POST', 'experiments/delete-experiment-tag', {
        experiment_id: id,
        key: 'stage',
      })
      const renamed = await client.getExperimentByName('exp-renamed')
      expect(renamed).toMatchObject({ experiment_id: id, tags: [{ key: 'team', value: 'nlp' }] })
      expect(renamed!.last_update_time).toBeGreaterThanOrEqual(created.last_update_time)
      expect(await client.getExperimentByName('exp-life')).toBeUndefined()

      await client.call('POST', 'experiments/delete', { experiment_id: id })
      // A deleted experiment is still found by name (set_experiment then refuses it) and its name stays taken.
      expect((await client.getExperimentByName('exp-renamed'))?.lifecycle_stage).toBe('deleted')
      expect(await errorOf(client.createExperiment('exp-renamed'))).toEqual([
        400,
        'RESOURCE_ALREADY_EXISTS',
      ])
      expect(await errorOf(client.createRun(id))).toEqual([400, 'INVALID_PARAMETER_VALUE'])
      await client.call('POST', 'experiments/restore', { experiment_id: id })
      expect((await client.getExperiment(id)).lifecycle_stage).toBe('active')
    })

    it('relative artifact locations stay inside the artifact store', async () => {
      const id = await client.createExperiment('exp-relative', { artifactLocation: 'team/a' })
      expect((await client.getExperiment(id)).artifact_location).toBe('mlflow-artifacts:/team/a')
    })

    it('searches by filter, order_by, view_type, and pages with tokens', async () => {
      const names = ['s-alpha', 's-beta', 's-gamma', 's-delta', 's-epsilon']
      const ids: Record<string, string> = {}
      for (const [i, name] of names.entries()) {
        ids[name] = await client.createExperiment(name, {
          tags: [{ key: 'parity', value: i % 2 === 0 ? 'even' : 'odd' }],
        })
      }
      await client.call('POST', 'experiments/delete', { experiment_id: ids['s-delta'] })
      const search = async (opts: Parameters<MlflowClient['searchExperiments']>[0]) =>
        (await client.searchExperiments({ orderBy: ['name ASC'], ...opts })).items.map(
          (e) => e.name,
        )

      expect(await search({ filter: "name LIKE 's-%'" })).toEqual([
        's-alpha',
        's-beta',
        's-epsilon',
        's-gamma',
      ])
      expect(await search({ filter: "name LIKE 's-%'", viewType: 'DELETED_ONLY' })).toEqual([
        's-delta',
      ])
      expect(await search({ filter: "name LIKE 's-%'", viewType: 'ALL' })).toHaveLength(5)
      expect(await search({ filter: "tags.parity = 'even' AND name != 's-alpha'" })).toEqual([
        's-epsilon',
        's-gamma',
      ])
      expect(await search({ filter: "attributes.name ILIKE 'S-B%'" })).toEqual(['s-beta'])
      expect(await search({ filter: "name IN ('s-beta', 's-gamma', 'Default')" })).toEqual([
        'Default',
        's-beta',
        's-gamma',
      ])
      expect(
        await search({ filter: 'creation_time > 0.5', orderBy: ['name DESC'], maxResults: 2 }),
      ).toEqual(['s-gamma', 's-epsilon'])
      const byId = await client.searchExperiments({
        filter: "name LIKE 's-%'",
        orderBy: ['experiment_id DESC'],
      })
      expect(byId.items.map((e) => e.name)).toEqual(['s-epsilon', 's-gamma', 's-beta', 's-alpha'])

      const pages = await client.all((pageToken) =>
        client.searchExperiments({
          filter: "name LIKE 's-%'",
          orderBy: ['name'],
          maxResults: 3,
          pageToken,
        }),
      )
      expect(pages.map((p) => p.map((e) => e.name))).toEqual([
        ['s-alpha', 's-beta', 's-epsilon'],
        ['s-gamma'],
      ])
      const viaGet = await client.call('GET', 'experiments/search', {
        filter: "name = 's-beta'",
        order_by: ['name ASC', 'creation_time DESC'],
        max_results: 10,
      })
      expect(viaGet).toMatchObject({
        experiments: [{ name: 's-beta', experiment_id: ids['s-beta'] }],
      })
    })
  })
}
