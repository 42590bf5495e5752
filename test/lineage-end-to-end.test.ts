import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAs } from '../src/shared/actor.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

for (const backend of testBackends) {
  describe(`lineage and audit across contexts (${backend.name})`, () => {
    let t: TestLathe
    let work: string
    beforeEach(async () => {
      t = await startTestLathe(backend)
      work = mkdtempSync(join(tmpdir(), 'lathe-lineage-'))
    })
    afterEach(async () => {
      await t.close()
      rmSync(work, { recursive: true, force: true })
    })

    it('traces a deployment back to the stored dataset version that trained it', async () => {
      const { data, tracking, registry, lineage, audit, store } = t.lathe
      const csv = join(work, 'churn.csv')
      writeFileSync(csv, 'tenure,churned\n1,0\n24,1\n')
      const { version: dataset } = await data.datasets.add(csv, { name: 'churn' })
      const runId = (await tracking.runs.create({ runName: 'fit' })).info.runId
      await data.runs.logInput(runId, 'churn')
      await runAs('ada', async () => {
        await registry.models.create({ name: 'churner' })
        await registry.versions.create({ name: 'churner', source: `runs:/${runId}/model` })
      })
      await store.transaction((trx) =>
        lineage.recordEdge(trx, {
          from: { kind: 'model_version', id: 'churner/1' },
          relation: 'deployed_as',
          to: { kind: 'deployment', id: 'churn-api' },
        }),
      )
      await lineage.drain()

      const graph = await lineage.upstream({ kind: 'deployment', id: 'churn-api' })
      const trainedOn = graph.nodes.filter((n) => n.kind === 'dataset_version')
      expect(trainedOn).toMatchObject([{ id: dataset.id, label: 'churn v1', distance: -4 }])
      expect(graph.edges.map((e) => `${e.from.kind} ${e.relation} ${e.to.kind}`).sort()).toEqual([
        'dataset input_to run',
        'dataset_version logged_as dataset',
        'model_version deployed_as deployment',
        'run produced model_version',
      ])

      const history = await audit.list({
        subjects: ['registered_model:churner'],
        subjectPrefixes: ['model_version:churner/'],
        order: 'asc',
      })
      expect(history.entries.map((e) => [e.type, e.actor])).toEqual([
        ['registered_model.created', 'ada'],
        ['model_version.created', 'ada'],
      ])
      expect((await audit.verify()).isValid).toBe(true)
    })

    it('answers which data and code made a model version from its registration alone', async () => {
      const { data, tracking, registry, lineage } = t.lathe
      const csv = join(work, 'train.csv')
      writeFileSync(csv, 'tenure,churned\n3,0\n30,1\n')
      const { version: dataset } = await data.datasets.add(csv, { name: 'train' })
      const commit = '0123456789abcdef0123456789abcdef01234567'
      const runId = (
        await tracking.runs.create({ tags: [{ key: 'mlflow.source.git.commit', value: commit }] })
      ).info.runId
      await data.runs.logInput(runId, 'train', 'training')
      await registry.models.create({ name: 'leaver' })
      await registry.versions.create({ name: 'leaver', source: `runs:/${runId}/model` })
      await lineage.drain()

      const graph = await lineage.upstream({ kind: 'model_version', id: 'leaver/1' })
      expect(
        graph.nodes
          .filter((n) => n.distance !== 0)
          .map((n) => [n.kind, n.id, n.distance])
          .sort(),
      ).toEqual([
        ['commit', commit, -1],
        ['dataset', `train@${dataset.digest}`, -2],
        ['dataset_version', dataset.id, -3],
        ['run', runId, -1],
      ])
      expect(graph.edges.map((e) => `${e.from.kind} ${e.relation} ${e.to.kind}`).sort()).toEqual([
        'commit built_from model_version',
        'dataset input_to run',
        'dataset_version logged_as dataset',
        'run produced model_version',
      ])
      expect(graph.nodes.find((n) => n.kind === 'commit')?.label).toBe('0123456789ab')
    })
  })
}
