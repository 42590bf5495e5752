import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerDataCommands } from '../src/cli/commands/data.js'
import { readEvents } from '../src/events/index.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * Dataset versions carry key/value tags besides their aliases, and every drift comparison is
 * stored as a drift report that can be listed (by dataset version) and read again, over HTTP
 * and the CLI. Bad input is a 4xx naming the problem.
 */

function csv(rows: number, shift: number): string {
  const lines = ['x,plan']
  for (let i = 0; i < rows; i++) lines.push(`${(i % 50) + shift},${i % 3 ? 'basic' : 'pro'}`)
  return `${lines.join('\n')}\n`
}

for (const backend of testBackends) {
  describe(`dataset version tags and drift reports (${backend.name})`, () => {
    let t: TestLathe
    let dir: string
    const get = (url: string) => t.app.inject({ method: 'GET', url })
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload })
    const del = (url: string) => t.app.inject({ method: 'DELETE', url })
    const cli = (...args: string[]) => runCli(t.lathe.config, registerDataCommands, args)

    beforeAll(async () => {
      t = await startTestLathe(backend)
      dir = mkdtempSync(join(tmpdir(), 'lathe-data-tags-'))
      for (const [file, shift] of [
        ['a.csv', 0],
        ['b.csv', 40],
      ] as const) {
        writeFileSync(join(dir, file), csv(300, shift))
        await t.lathe.data.datasets.add(join(dir, file), { name: 'sales' })
      }
    })
    afterAll(async () => {
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('sets, overwrites, lists and deletes tags of one version, each change an event', async () => {
      const url = '/api/v1/datasets/sales/versions/1/tags'
      expect((await post(url, { key: 'reviewed', value: 'no' })).statusCode).toBe(200)
      const set = await post(url, { key: 'reviewed', value: 'yes' })
      expect(set.json().version).toMatchObject({ version: 1, tags: { reviewed: 'yes' } })
      await post(url, { key: 'owner', value: 'ana' })
      const one = (await get('/api/v1/datasets/sales/versions/1')).json().version
      expect(one.tags).toEqual({ owner: 'ana', reviewed: 'yes' })
      const versions = (await get('/api/v1/datasets/sales/versions')).json().versions
      expect(versions.map((v: { tags: object }) => v.tags)).toEqual([
        {},
        { owner: 'ana', reviewed: 'yes' },
      ])
      const removed = await del(`${url}/owner`)
      expect(removed.json().version.tags).toEqual({ reviewed: 'yes' })
      expect((await t.lathe.data.datasets.get('sales:1')).tags).toEqual({ reviewed: 'yes' })
      const events = await readEvents(t.lathe.store.db(), {
        afterId: 0,
        limit: 10,
        types: ['dataset.tag_set', 'dataset.tag_deleted'],
      })
      expect(events.map((e) => [e.type, e.payload.key])).toEqual([
        ['dataset.tag_set', 'reviewed'],
        ['dataset.tag_set', 'reviewed'],
        ['dataset.tag_set', 'owner'],
        ['dataset.tag_deleted', 'owner'],
      ])
    })

    it('refuses bad tags with a 4xx naming the problem', async () => {
      const url = '/api/v1/datasets/sales/versions/1/tags'
      const cases: [string, ReturnType<typeof get>, RegExp][] = [
        ['an empty key', post(url, { key: '', value: 'x' }), /key: must not be empty/],
        ['a blank key', post(url, { key: '  ', value: 'x' }), /Invalid tag key/],
        ['a missing value', post(url, { key: 'k' }), /value/],
        ['a long value', post(url, { key: 'k', value: 'v'.repeat(5001) }), /value/],
        [
          'an unknown version',
          post('/api/v1/datasets/sales/versions/9/tags', { key: 'k', value: 'v' }),
          /No version 9 of dataset 'sales'/,
        ],
        ['an absent tag', del(`${url}/nope`), /has no tag 'nope'/],
      ]
      for (const [what, request, message] of cases) {
        const res = await request
        expect(res.statusCode, what).toBeGreaterThanOrEqual(400)
        expect(res.statusCode, what).toBeLessThan(500)
        expect(res.json().message, what).toMatch(message)
      }
    })

    it('stores every drift comparison and lists and reads it again', async () => {
      const ran = await post('/api/v1/drift', { reference: 'sales:1', current: 'sales:2' })
      expect(ran.statusCode, ran.body).toBe(200)
      const report = ran.json().report
      expect(report).toMatchObject({
        id: expect.any(String),
        created_by: expect.any(String),
        reference: { source: 'sales:1' },
        current: { source: 'sales:2' },
        dataset: { column_count: 2, is_drifted: true },
      })
      const again = (await get(`/api/v1/drift-reports/${report.id}`)).json().report
      expect(again).toEqual(report)
      const v2 = await t.lathe.data.datasets.get('sales:2')
      const listed = (await get(`/api/v1/drift-reports?dataset_version_id=${v2.id}`)).json()
      expect(listed.reports.map((r: { id: string }) => r.id)).toEqual([report.id])
      expect(listed.reports[0].columns).toBeUndefined()
      expect(listed.reports[0].dataset).toEqual(report.dataset)
      const other = (await get('/api/v1/drift-reports?dataset_version_id=none')).json()
      expect(other.reports).toEqual([])
      // Both versions lead to the report in the lineage graph.
      await t.lathe.lineage.drain()
      const v1 = await t.lathe.data.datasets.get('sales:1')
      const graph = await t.lathe.lineage.upstream({ kind: 'drift_report', id: report.id })
      expect(
        graph.edges
          .filter((e) => e.relation === 'compared_in')
          .map((e) => e.from.id)
          .sort(),
      ).toEqual([v1.id, v2.id].sort())
      const events = await readEvents(t.lathe.store.db(), {
        afterId: 0,
        limit: 10,
        types: ['drift.completed'],
      })
      expect(events.map((e) => e.payload)).toEqual([
        {
          reportId: report.id,
          isDrifted: true,
          driftedShare: report.dataset.drifted_share,
          referenceVersionId: report.reference.version_id,
          currentVersionId: v2.id,
        },
      ])
    })

    it('answers 4xx for unknown drift reports and bad listing queries', async () => {
      const missing = await get('/api/v1/drift-reports/nope')
      expect([missing.statusCode, missing.json().message]).toEqual([
        404,
        "No drift report with id 'nope'",
      ])
      const bad = await get('/api/v1/drift-reports?max_results=0')
      expect(bad.statusCode).toBe(400)
      expect(bad.json().message).toMatch(/max_results: must be at least 1/)
    })

    it('tags versions and lists and shows drift reports from the CLI', async () => {
      const tagged = await cli('data', 'tag', 'sales:2', 'source_system', 'crm')
      expect(tagged).toEqual({ out: 'sales:2 source_system=crm', exitCode: 0 })
      const shownVersion = JSON.parse((await cli('data', 'show', 'sales:2', '--json')).out)
      expect(shownVersion.tags).toEqual({ source_system: 'crm' })
      const removed = await cli('data', 'tag', 'sales:2', 'source_system', '--delete')
      expect(removed.out).toBe('Removed tag source_system of sales:2')
      const drift = await cli('data', 'drift', 'sales:1', 'sales:2')
      const id = /Stored as drift report (\S+)/.exec(drift.out)?.[1]
      expect(id, drift.out).toBeDefined()
      const list = await cli('data', 'drift-reports', '--dataset', 'sales:1', '--json')
      const ids = (JSON.parse(list.out) as { id: string }[]).map((r) => r.id)
      expect(ids[0]).toBe(id)
      expect(ids).toHaveLength(2)
      const shown = await cli('data', 'drift-report', id!, '--json')
      expect(JSON.parse(shown.out)).toMatchObject({ id, reference: { source: 'sales:1' } })
      await expect(cli('data', 'tag', 'sales:2', 'k')).rejects.toThrow(
        'Give the tag a VALUE, or --delete it',
      )
    })
  })
}
