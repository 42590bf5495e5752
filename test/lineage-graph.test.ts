import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendEvents } from '../src/events/index.js'
import type { LineageGraph } from '../src/lineage/index.js'
import { InvalidParameterError, NotFoundError } from '../src/shared/errors.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

const train = { name: 'train', digest: 'd1', sourceType: 'local', source: 'train.csv' }

/** `kind:id` → distance, the shape of a graph's nodes that tests compare. */
function distances(graph: LineageGraph): Record<string, number> {
  return Object.fromEntries(graph.nodes.map((n) => [`${n.kind}:${n.id}`, n.distance]))
}

for (const backend of testBackends) {
  describe(`lineage (${backend.name})`, () => {
    let t: TestLathe
    beforeEach(async () => {
      t = await startTestLathe(backend)
    })
    afterEach(async () => t.close())

    /** dataset → run1 → logged model → run2 → model version → deployment. */
    async function pipeline() {
      const { tracking, lineage, store } = t.lathe
      const run1 = (await tracking.runs.create({ runName: 'prep' })).info.runId
      await tracking.inputs.logInputs(run1, [{ tags: [], dataset: train }])
      await tracking.inputs.logOutputs(run1, [{ modelId: 'm-1', step: 0 }])
      const run2 = (await tracking.runs.create({ runName: 'fit' })).info.runId
      await tracking.inputs.logInputs(run2, [], [{ modelId: 'm-1' }])
      await store.transaction(async (trx) => {
        await appendEvents(
          trx,
          [
            {
              type: 'model_version.created',
              subject: 'model_version:churn/1',
              payload: { name: 'churn', version: 1, run_id: run2, model_id: null, source: 's' },
            },
          ],
          1,
        )
        // A context that writes its edge with its own change, in its transaction.
        await lineage.recordEdge(trx, {
          from: { kind: 'model_version', id: 'churn/1' },
          relation: 'deployed_as',
          to: { kind: 'deployment', id: 'prod' },
          attributes: { traffic: 100 },
        })
      })
      await lineage.drain()
      return { run1, run2 }
    }

    it('answers which data trained the model a deployment serves, in one walk', async () => {
      const { run1, run2 } = await pipeline()
      const graph = await t.lathe.lineage.upstream({ kind: 'deployment', id: 'prod' })
      expect(distances(graph)).toEqual({
        'deployment:prod': 0,
        'model_version:churn/1': -1,
        [`run:${run2}`]: -2,
        'logged_model:m-1': -3,
        [`run:${run1}`]: -4,
        'dataset:train@d1': -5,
      })
      expect(graph.nodes.filter((n) => n.kind === 'dataset')).toMatchObject([
        { id: 'train@d1', label: 'train', attributes: { digest: 'd1', source: 'train.csv' } },
      ])
      expect(graph.nodes.find((n) => n.id === run2)).toMatchObject({ label: 'fit' })
      expect(graph.nodes.find((n) => n.kind === 'model_version')?.label).toBe('churn v1')
      expect(graph.edges).toContainEqual(
        expect.objectContaining({
          from: { kind: 'model_version', id: 'churn/1' },
          relation: 'deployed_as',
          attributes: { traffic: 100 },
        }),
      )
      expect(graph.isTruncated).toBe(false)
    })

    it('walks downstream, both ways, and within a depth', async () => {
      const { run1, run2 } = await pipeline()
      const down = await t.lathe.lineage.downstream({ kind: 'dataset', id: 'train@d1' })
      expect(Object.keys(distances(down))).toHaveLength(6)
      const near = await t.lathe.lineage.graph({ kind: 'logged_model', id: 'm-1' }, { depth: 1 })
      expect(distances(near)).toEqual({
        'logged_model:m-1': 0,
        [`run:${run1}`]: -1,
        [`run:${run2}`]: 1,
      })
      expect(near.edges.map((e) => e.relation).sort()).toEqual(['input_to', 'produced'])
    })

    it('stops on a cycle', async () => {
      const { run1 } = await pipeline()
      await t.lathe.store.transaction((trx) =>
        t.lathe.lineage.recordEdge(trx, {
          from: { kind: 'deployment', id: 'prod' },
          relation: 'triggered',
          to: { kind: 'run', id: run1 },
        }),
      )
      const graph = await t.lathe.lineage.downstream({ kind: 'run', id: run1 }, 100)
      expect(distances(graph)[`run:${run1}`]).toBe(0)
      expect(graph.nodes).toHaveLength(5)
      expect(graph.edges).toHaveLength(5)
    })

    it('adds nothing when events are applied again', async () => {
      await pipeline()
      const count = async () =>
        (
          await sql<{ n: number }>`select count(*) as n from lineage_edges`.execute(
            t.lathe.store.db(),
          )
        ).rows[0]!.n
      const before = Number(await count())
      await sql`update event_cursors set position = 0 where subscriber = 'lineage'`.execute(
        t.lathe.store.db(),
      )
      await t.lathe.lineage.drain()
      expect(Number(await count())).toBe(before)
      expect(before).toBe(5)
    })

    it('rejects malformed references and unknown objects', async () => {
      await expect(t.lathe.lineage.upstream({ kind: 'Run', id: 'x' })).rejects.toThrow(
        InvalidParameterError,
      )
      await expect(t.lathe.lineage.upstream({ kind: 'run', id: 'nope' })).rejects.toThrow(
        NotFoundError,
      )
      await expect(
        t.lathe.store.transaction((trx) =>
          t.lathe.lineage.recordEdge(trx, {
            from: { kind: 'run', id: 'a' },
            relation: 'made from',
            to: { kind: 'run', id: 'b' },
          }),
        ),
      ).rejects.toThrow(/relation 'made from'/)
    })

    it('serves the graph over HTTP, ids with slashes included', async () => {
      const { run2 } = await pipeline()
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/lineage/model_version/churn/1?direction=up&depth=1',
      })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({
        root: { kind: 'model_version', id: 'churn/1' },
        edges: [{ from: { kind: 'run', id: run2 }, relation: 'produced' }],
        truncated: false,
      })
      const encoded = await t.app.inject({
        method: 'GET',
        url: '/api/v1/lineage/model_version/churn%2F1?direction=down',
      })
      expect(
        encoded
          .json()
          .nodes.map((n: { kind: string }) => n.kind)
          .sort(),
      ).toEqual(['deployment', 'model_version'])
      for (const url of [
        '/api/v1/lineage/run/x?direction=sideways',
        '/api/v1/lineage/run/x?depth=0',
        '/api/v1/lineage/Bad/x',
      ]) {
        const bad = await t.app.inject({ method: 'GET', url })
        expect(bad.statusCode, url).toBe(400)
      }
      const missing = await t.app.inject({ method: 'GET', url: '/api/v1/lineage/run/nope' })
      expect(missing.statusCode).toBe(404)
    })
  })
}
