import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEvents } from '../src/events/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

const CSV_V1 = 'id,amount,city\n1,10.5,Oslo\n2,20,Bergen\n3,,Oslo\n'
const CSV_V2 = 'id,amount,city\n1,10.5,Oslo\n2,20,Bergen\n3,30,Oslo\n4,40,Tromsø\n'

for (const backend of testBackends) {
  describe(`dataset versions (${backend.name})`, () => {
    let t: TestLathe
    let dir: string
    const file = (name: string, text: string) => {
      const path = join(dir, name)
      writeFileSync(path, text)
      return path
    }
    beforeAll(async () => {
      t = await startTestLathe(backend)
      dir = mkdtempSync(join(tmpdir(), 'lathe-data-test-'))
    })
    afterAll(async () => {
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('stores a file once by content and numbers versions per name', async () => {
      const { datasets } = t.lathe.data
      const first = await datasets.add(file('a.csv', CSV_V1), { name: 'sales' })
      expect(first.created).toBe(true)
      expect(first.version).toMatchObject({
        name: 'sales',
        version: 1,
        format: 'csv',
        rowCount: 3,
        schema: [
          { name: 'id', type: 'int', sourceType: 'BIGINT' },
          { name: 'amount', type: 'float', sourceType: 'DOUBLE' },
          { name: 'city', type: 'string', sourceType: 'VARCHAR' },
        ],
      })
      expect(first.version.digest).toMatch(/^[0-9a-f]{64}$/)
      // The same bytes from another path are the same version.
      const again = await datasets.add(file('copy.csv', CSV_V1), { name: 'sales' })
      expect(again).toMatchObject({ created: false, version: { id: first.version.id, version: 1 } })
      const second = await datasets.add(file('b.csv', CSV_V2), { name: 'sales' })
      expect(second.version.version).toBe(2)
      const stored = await t.lathe.artifacts.list('datasets/sha256')
      expect(stored.map((s) => s.key)).toEqual(
        [first.version.digest, second.version.digest].sort().map((d) => `datasets/sha256/${d}`),
      )
      // Another name over the same content shares the stored bytes.
      await datasets.add(file('c.csv', CSV_V1), { name: 'sales-copy' })
      expect(await t.lathe.artifacts.list('datasets/sha256')).toHaveLength(2)
      const events = await readEvents(t.lathe.store.db(), {
        afterId: 0,
        limit: 100,
        types: ['dataset.version_created'],
      })
      expect(events.map((e) => e.payload.version)).toEqual([1, 2, 1])
    })

    it('resolves latest, numbered and aliased references', async () => {
      const { datasets } = t.lathe.data
      expect((await datasets.get('sales')).version).toBe(2)
      expect((await datasets.get('sales:1')).rowCount).toBe(3)
      await datasets.setAlias('sales', 'golden', 1)
      const golden = await datasets.get('sales@golden')
      expect(golden).toMatchObject({ version: 1, aliases: ['golden'] })
      await datasets.setAlias('sales', 'golden', 2)
      expect((await datasets.get('sales@golden')).version).toBe(2)
      expect((await datasets.versions('sales')).map((v) => [v.version, v.aliases])).toEqual([
        [2, ['golden']],
        [1, []],
      ])
      await datasets.deleteAlias('sales', 'golden')
      await expect(datasets.get('sales@golden')).rejects.toThrow(
        "Dataset 'sales' has no alias 'golden'",
      )
      await expect(datasets.get('sales:9')).rejects.toThrow("No version 9 of dataset 'sales'")
      await expect(datasets.get('nope')).rejects.toThrow("No dataset named 'nope'")
      await expect(datasets.get('bad name!')).rejects.toThrow('Invalid reference')
      await expect(datasets.setAlias('sales', 'latest', 1)).rejects.toThrow("'latest' is reserved")
      expect(await datasets.list()).toEqual([
        expect.objectContaining({ name: 'sales', latestVersion: 2, versionCount: 2 }),
        expect.objectContaining({ name: 'sales-copy', latestVersion: 1, versionCount: 1 }),
      ])
    })

    it('reads a stored version back from the artifact store', async () => {
      const { datasets } = t.lathe.data
      const version = await datasets.get('sales:2')
      const text = await datasets.withFile(version, async (path) =>
        (await import('node:fs/promises')).readFile(path, 'utf8'),
      )
      expect(text).toBe(CSV_V2)
    })

    it('refuses bad input without storing anything', async () => {
      const { datasets } = t.lathe.data
      await expect(datasets.add(join(dir, 'missing.csv'), { name: 'x' })).rejects.toThrow(
        'No file at',
      )
      await expect(datasets.add(file('empty.csv', ''), { name: 'x' })).rejects.toThrow(
        'is empty (0 bytes)',
      )
      await expect(datasets.add(file('bad.parquet', 'not parquet'), { name: 'x' })).rejects.toThrow(
        /Cannot read .*bad\.parquet' as parquet/,
      )
      await expect(datasets.add(file('ok.csv', CSV_V1), { name: '../etc' })).rejects.toThrow(
        "Invalid dataset name '../etc'",
      )
      expect((await datasets.list()).map((d) => d.name)).not.toContain('x')
    })

    it('reads files from the artifact store by their mlflow-artifacts URI', async () => {
      const { datasets, validation, profiles } = t.lathe.data
      await t.lathe.artifacts.put('1/run1/artifacts/train.csv', Readable.from([CSV_V2]))
      const uri = 'mlflow-artifacts:/1/run1/artifacts/train.csv'
      const added = await datasets.add(uri, { name: 'from-run' })
      expect(added.version).toMatchObject({ version: 1, source: uri, rowCount: 4, format: 'csv' })
      // The same bytes as sales:2, so both names share one stored file.
      expect(added.version.digest).toBe((await datasets.get('sales:2')).digest)
      const { data, profile } = await profiles.profile({ artifact: uri })
      expect(data).toMatchObject({ source: uri, rowCount: 4 })
      expect(profile.columns.map((c) => c.name)).toEqual(['id', 'amount', 'city'])
      const report = await validation.validate({
        data: { artifact: uri },
        contract: {
          name: 'c',
          columns: [{ name: 'id', type: 'int', nullable: false }],
          allowExtraColumns: true,
        },
      })
      expect(report).toMatchObject({
        success: true,
        dataset: { source: uri, digest: added.version.digest },
      })
      await expect(datasets.add('mlflow-artifacts:/1/none.csv', { name: 'x' })).rejects.toThrow(
        "No artifact file at '1/none.csv'",
      )
      await expect(
        profiles.profile({ artifact: 'mlflow-artifacts:/../../etc/passwd' }),
      ).rejects.toThrow('Invalid artifact path')
    })

    it('logs a version as a run input in MLflow shape and finds it from the run', async () => {
      const run = await t.lathe.tracking.startRun({ runName: 'train' })
      const version = await t.lathe.data.runs.logInput(run.info.runId, 'sales:1')
      const logged = (await t.lathe.tracking.runs.get(run.info.runId)).inputs.datasetInputs
      expect(logged).toHaveLength(1)
      const [input] = logged
      expect(input?.tags).toEqual([
        { key: 'mlflow.data.context', value: 'training' },
        { key: 'lathe.dataset_version', value: 'sales:1' },
      ])
      expect(input?.dataset).toMatchObject({
        name: 'sales',
        digest: version.digest,
        sourceType: 'local',
      })
      expect(JSON.parse(input?.dataset.schema ?? '{}')).toEqual({
        mlflow_colspec: [
          { type: 'long', name: 'id', required: false },
          { type: 'double', name: 'amount', required: false },
          { type: 'string', name: 'city', required: false },
        ],
      })
      expect(JSON.parse(input?.dataset.profile ?? '{}')).toEqual({ num_rows: 3, num_elements: 9 })
      const trained = await t.lathe.data.runs.inputsOf(run.info.runId)
      expect(trained.map((x) => [x.context, x.version.id])).toEqual([['training', version.id]])
    })
  })
}
