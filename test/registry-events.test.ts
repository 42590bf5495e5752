import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEvents, type StoredEvent } from '../src/events/index.js'
import { openLathe, type Lathe } from '../src/main.js'
import { runAs } from '../src/shared/actor.js'
import { testBackends } from './support/backends.js'

/*
 * Every registry mutation appends a complete event in its own transaction: the subject names the
 * object, the payload carries before and after, the actor is who did it. Lineage and the audit
 * log are built from these alone.
 */

const COMMIT = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'

for (const backend of testBackends) {
  describe(`registry events (${backend.name})`, () => {
    let lathe: Lathe
    let cleanup: () => Promise<void>
    let seen = 0

    /** The events appended since the last call, without ids and times. */
    async function newEvents(): Promise<Omit<StoredEvent, 'id' | 'createdAtMs'>[]> {
      const events = await readEvents(lathe.store.db(), { afterId: seen, limit: 1000 })
      seen = events.at(-1)?.id ?? seen
      return events
        .filter(
          (e) => e.type.startsWith('registered_model.') || e.type.startsWith('model_version.'),
        )
        .map(({ type, subject, payload, actor }) => ({ type, subject, payload, actor }))
    }

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('records model creation and tagging with the actor, and before/after', async () => {
      await newEvents()
      await runAs('ada', () => lathe.registry.models.create({ name: 'audited' }))
      await runAs('bob', () => lathe.registry.models.setTag('audited', { key: 'k', value: 'v' }))
      await runAs('bob', () => lathe.registry.models.setTag('audited', { key: 'k', value: 'w' }))
      const subject = 'registered_model:audited'
      expect(await newEvents()).toEqual([
        {
          type: 'registered_model.created',
          subject,
          actor: 'ada',
          payload: { name: 'audited', description: null, tags: [] },
        },
        {
          type: 'registered_model.tag_set',
          subject,
          actor: 'bob',
          payload: { name: 'audited', key: 'k', before: null, after: { key: 'k', value: 'v' } },
        },
        {
          type: 'registered_model.tag_set',
          subject,
          actor: 'bob',
          payload: {
            name: 'audited',
            key: 'k',
            before: { key: 'k', value: 'v' },
            after: { key: 'k', value: 'w' },
          },
        },
      ])
    })

    it('records a version with its run, datasets and commit, for lineage', async () => {
      const run = await lathe.tracking.runs.create({
        experimentId: '0',
        tags: [{ key: 'mlflow.source.git.commit', value: COMMIT }],
      })
      await lathe.tracking.inputs.logInputs(run.info.runId, [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'churn', digest: 'd1', sourceType: 'local', source: 'churn.csv' },
        },
      ])
      await newEvents()
      await runAs('ada', () =>
        lathe.registry.versions.create({
          name: 'audited',
          source: `runs:/${run.info.runId}/model`,
        }),
      )
      expect(await newEvents()).toEqual([
        {
          type: 'model_version.created',
          subject: 'model_version:audited/1',
          actor: 'ada',
          payload: {
            name: 'audited',
            version: 1,
            source: `runs:/${run.info.runId}/model`,
            storage_location: `${run.info.artifactUri}/model`,
            run_id: run.info.runId,
            model_id: null,
            run_link: null,
            git_commit: COMMIT,
            datasets: [
              {
                name: 'churn',
                digest: 'd1',
                source_type: 'local',
                source: 'churn.csv',
                context: 'training',
              },
            ],
            description: null,
            tags: [],
          },
        },
      ])
    })

    it('records alias moves as a chain of before/after, and their removal', async () => {
      const source = 'mlflow-artifacts:/0/x'
      await lathe.registry.versions.create({ name: 'audited', source })
      await newEvents()
      await runAs('ada', () => lathe.registry.aliases.set('audited', 'champion', '1'))
      await runAs('ada', () => lathe.registry.aliases.set('audited', 'champion', '2'))
      await runAs('ada', () => lathe.registry.aliases.set('audited', 'champion', '2'))
      await runAs('bob', () => lathe.registry.versions.delete('audited', '2'))
      const events = await newEvents()
      expect(events.map((e) => [e.type, e.subject, e.payload.before, e.payload.after])).toEqual([
        [
          'model_version.alias_set',
          'model_version:audited/1',
          null,
          { alias: 'champion', version: 1 },
        ],
        [
          'model_version.alias_set',
          'model_version:audited/2',
          { alias: 'champion', version: 1 },
          { alias: 'champion', version: 2 },
        ],
        [
          'model_version.alias_deleted',
          'model_version:audited/2',
          { alias: 'champion', version: 2 },
          null,
        ],
        [
          'model_version.deleted',
          'model_version:audited/2',
          { stage: 'None', source, run_id: null },
          null,
        ],
      ])
    })

    it('records renames, stage moves, gates and deletion with what they changed', async () => {
      await newEvents()
      await lathe.registry.versions.transitionStage('audited', '1', {
        stage: 'Staging',
        archiveExistingVersions: false,
      })
      await lathe.registry.gates.setPolicy('audited', {
        gates: [{ kind: 'metric', metric: 'auc', op: '>=', threshold: 0.8 }],
      })
      await lathe.registry.models.rename('audited', 'renamed')
      await lathe.registry.models.delete('renamed')
      const events = await newEvents()
      expect(events.map((e) => [e.type, e.subject, e.payload.before, e.payload.after])).toEqual([
        [
          'model_version.stage_transitioned',
          'model_version:audited/1',
          { stage: 'None' },
          { stage: 'Staging' },
        ],
        [
          'registered_model.gates_set',
          'registered_model:audited',
          { gates: [], protected_aliases: ['champion'], approval_aliases: [] },
          {
            gates: [{ kind: 'metric', metric: 'auc', op: '>=', threshold: 0.8 }],
            protected_aliases: ['champion'],
            approval_aliases: [],
          },
        ],
        [
          'registered_model.renamed',
          'registered_model:renamed',
          { name: 'audited' },
          { name: 'renamed' },
        ],
        [
          'registered_model.deleted',
          'registered_model:renamed',
          { name: 'renamed', versions: [1], aliases: [] },
          null,
        ],
      ])
    })
  })
}
