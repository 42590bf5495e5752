import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testBackends } from '../../test/support/backends.js'
import { readEvents } from '../events/index.js'
import { openLathe, type Lathe } from '../main.js'
import { runAs } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'

/** A clock the test moves by hand, so creation order is certain. */
function steppingClock(start = 1_000) {
  let now = start
  return { nowMs: () => now++ }
}

for (const backend of testBackends) {
  describe(`LoggedModelService (${backend.name})`, () => {
    let lathe: Lathe
    let cleanup: () => Promise<void>
    let experimentId: string

    beforeEach(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config, steppingClock())
      experimentId = await lathe.tracking.experiments.create({ name: 'e' })
    })
    afterEach(async () => {
      await lathe.close()
      await cleanup()
    })

    const models = () => lathe.tracking.loggedModels

    it('creates a pending model under the experiment root, and finalizes it', async () => {
      const created = await runAs('ada', () =>
        models().create({
          experimentId,
          name: 'clf',
          modelType: 'Classifier',
          params: [{ key: 'alpha', value: '0.5' }],
          tags: [{ key: 'team', value: 'a' }],
        }),
      )
      const { modelId } = created.info
      expect(modelId).toMatch(/^m-[0-9a-f]{32}$/)
      expect(created.info).toMatchObject({
        experimentId,
        name: 'clf',
        status: 'LOGGED_MODEL_PENDING',
        artifactUri: `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`,
        modelType: 'Classifier',
        tags: [{ key: 'team', value: 'a' }],
      })
      const ready = await models().finalize(modelId, 'LOGGED_MODEL_READY')
      expect(ready.info.status).toBe('LOGGED_MODEL_READY')
      expect(ready.info.lastUpdatedTimestamp).toBeGreaterThan(created.info.lastUpdatedTimestamp)
      const events = await readEvents(lathe.store.db(), { afterId: 0, limit: 100 })
      expect(events.filter((e) => e.subject === `logged_model:${modelId}`)).toMatchObject([
        { type: 'logged_model.created', actor: 'ada', payload: { name: 'clf' } },
        { type: 'logged_model.finalized', payload: { status: 'LOGGED_MODEL_READY' } },
      ])
    })

    it('generates a name when none is given, and refuses names MLflow refuses', async () => {
      const { info } = await models().create({ experimentId })
      expect(info.name).toMatch(/\S/)
      await expect(models().create({ experimentId, name: 'a/b' })).rejects.toThrow(
        InvalidParameterError,
      )
      await expect(models().create({ experimentId: '999' })).rejects.toThrow(NotFoundError)
    })

    it('keeps params write-once and links each metric point once', async () => {
      const { modelId } = (await models().create({ experimentId })).info
      await models().logParams(modelId, [{ key: 'lr', value: '0.1' }])
      await models().logParams(modelId, [{ key: 'lr', value: '0.1' }])
      await expect(models().logParams(modelId, [{ key: 'lr', value: '0.2' }])).rejects.toThrow(
        /Changing param values is not allowed/,
      )
      const point = { key: 'acc', value: 0.9, timestamp: 5, step: 1, datasetName: 'test' }
      await models().logMetrics(modelId, [point])
      await models().logMetrics(modelId, [point, { ...point, value: Number.NaN, step: 2 }])
      const { data } = await models().get(modelId)
      expect(data.params).toEqual([{ key: 'lr', value: '0.1' }])
      expect(data.metrics).toEqual([
        { ...point, runId: undefined, datasetDigest: undefined },
        { ...point, value: Number.NaN, step: 2, runId: undefined, datasetDigest: undefined },
      ])
    })

    it('hides deleted models from get, mutations and search', async () => {
      const { modelId } = (await models().create({ experimentId, name: 'gone' })).info
      await models().delete(modelId)
      await expect(models().get(modelId)).rejects.toThrow(NotFoundError)
      await expect(models().setTags(modelId, [{ key: 'a', value: 'b' }])).rejects.toThrow(
        NotFoundError,
      )
      await expect(models().delete(modelId)).rejects.toThrow(NotFoundError)
      expect((await models().search({ experimentIds: [experimentId] })).items).toEqual([])
    })

    it('searches by attribute, param, tag and metric on a dataset, ordered and paged', async () => {
      const made: string[] = []
      for (const [i, acc] of [0.7, 0.9, 0.8].entries()) {
        const { info } = await models().create({
          experimentId,
          name: `m${i}`,
          params: [{ key: 'depth', value: String(i) }],
          tags: [{ key: 'kind', value: i === 0 ? 'tree' : 'linear' }],
        })
        made.push(info.modelId)
        await models().logMetrics(info.modelId, [
          {
            key: 'acc',
            value: acc,
            timestamp: 1,
            step: 0,
            datasetName: 'test',
            datasetDigest: 'd1',
          },
          { key: 'acc', value: 1 - acc, timestamp: 1, step: 0, datasetName: 'train' },
        ])
      }
      const ids = async (input: Parameters<ReturnType<typeof models>['search']>[0]) =>
        (await models().search(input)).items.map((m) => m.info.name)
      const experimentIds = [experimentId]
      expect(await ids({ experimentIds })).toEqual(['m2', 'm1', 'm0'])
      expect(await ids({ experimentIds, filter: "name = 'm1'" })).toEqual(['m1'])
      expect(
        await ids({ experimentIds, filter: "tags.kind = 'linear' AND params.depth != '2'" }),
      ).toEqual(['m1'])
      expect(await ids({ experimentIds, filter: "status = 'PENDING'" })).toHaveLength(3)
      expect(
        await ids({
          experimentIds,
          filter: 'metrics.acc > 0.75',
          datasets: [{ datasetName: 'test' }],
        }),
      ).toEqual(['m2', 'm1'])
      expect(
        await ids({
          experimentIds,
          filter: 'metrics.acc > 0.75',
          datasets: [{ datasetName: 'train' }],
        }),
      ).toEqual([])
      expect(
        await ids({
          experimentIds,
          orderBy: [{ fieldName: 'metrics.acc', ascending: false, datasetName: 'test' }],
        }),
      ).toEqual(['m1', 'm2', 'm0'])
      expect(await ids({ experimentIds, orderBy: [{ fieldName: 'creation_time' }] })).toEqual([
        'm0',
        'm1',
        'm2',
      ])
      const first = await models().search({ experimentIds, maxResults: 2 })
      const second = await models().search({
        experimentIds,
        maxResults: 2,
        pageToken: first.nextPageToken,
      })
      expect([...first.items, ...second.items].map((m) => m.info.modelId)).toEqual(made.reverse())
      expect(second.nextPageToken).toBeUndefined()
    })

    it('refuses order_by fields MLflow refuses', async () => {
      for (const fieldName of ['params.depth', 'bogus', 'metrics.']) {
        await expect(
          models().search({ experimentIds: [experimentId], orderBy: [{ fieldName }] }),
        ).rejects.toThrow(InvalidParameterError)
      }
      await expect(
        models().search({
          experimentIds: [experimentId],
          orderBy: [{ fieldName: 'name', datasetName: 'test' }],
        }),
      ).rejects.toThrow(/applies only to metrics/)
    })
  })
}
