import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerDataCommands } from '../src/cli/commands/data.js'
import type { RowBatch } from '../src/data/index.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * The data reader streams rows of a local file, a file in the artifact store or a stored version
 * in bounded batches, typed as Lathe reads them; stopping early removes the temporary copy.
 */

const CSV = ['id,amount,plan', ...Array.from({ length: 25 }, (_, i) => `${i},${i / 2},p${i % 3}`)]

async function collect(batches: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const all: RowBatch[] = []
  for await (const batch of batches) all.push(batch)
  return all
}

// Temporary copies go to a folder of this suite's own, so other suites' copies never count.
const scanCopies = () => readdirSync(tmpdir()).filter((f) => f.startsWith('lathe-dataset-'))

for (const backend of testBackends) {
  describe(`data reader (${backend.name})`, () => {
    let t: TestLathe
    let dir: string
    let path: string
    const savedTmpdir = process.env.TMPDIR

    beforeAll(async () => {
      t = await startTestLathe(backend)
      dir = mkdtempSync(join(tmpdir(), 'lathe-data-reader-'))
      mkdirSync(join(dir, 'tmp'))
      process.env.TMPDIR = join(dir, 'tmp')
      path = join(dir, 'orders.csv')
      writeFileSync(path, `${CSV.join('\n')}\n`)
      await t.lathe.data.datasets.add(path, { name: 'orders' })
    })
    afterAll(async () => {
      if (savedTmpdir === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = savedTmpdir
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('yields a file in batches of at most batchRows, in order, typed', async () => {
      const batches = await collect(t.lathe.data.reader.scan({ path }, { batchRows: 10 }))
      expect(batches.map((b) => [b.offset, b.rows.length])).toEqual([
        [0, 10],
        [10, 10],
        [20, 5],
      ])
      expect(batches[0]!.columns.map((c) => [c.name, c.type])).toEqual([
        ['id', 'int'],
        ['amount', 'float'],
        ['plan', 'string'],
      ])
      expect(batches[2]!.rows.at(-1)).toEqual({ id: 24, amount: 12, plan: 'p0' })
    })

    it('reads a stored version by reference, only the columns asked, in their order', async () => {
      const before = scanCopies().length
      const batches = await collect(
        t.lathe.data.reader.scan({ ref: 'orders:1' }, { columns: ['plan', 'id'] }),
      )
      expect(batches).toHaveLength(1)
      expect(batches[0]!.rows.slice(0, 2)).toEqual([
        { plan: 'p0', id: 0 },
        { plan: 'p1', id: 1 },
      ])
      expect(scanCopies()).toHaveLength(before)
    })

    it('removes the temporary copy when the caller stops early', async () => {
      const before = scanCopies().length
      const scan = t.lathe.data.reader.scan(
        { ref: 'orders' },
        {
          batchRows: 5,
        },
      )
      const first = await scan.next()
      expect(first.value?.rows).toHaveLength(5)
      expect(scanCopies()).toHaveLength(before + 1)
      await scan.return(undefined)
      expect(scanCopies()).toHaveLength(before)
    })

    it('refuses unknown columns, bad batch sizes and missing data, naming the problem', async () => {
      await expect(
        collect(t.lathe.data.reader.scan({ path }, { columns: ['id', 'nope'] })),
      ).rejects.toThrow("Unknown columns 'nope'; the data has id, amount, plan")
      await expect(collect(t.lathe.data.reader.scan({ path }, { batchRows: 0 }))).rejects.toThrow(
        'batchRows must be a positive integer, got 0',
      )
      await expect(collect(t.lathe.data.reader.scan({ ref: 'orders:7' }))).rejects.toThrow(
        "No version 7 of dataset 'orders'",
      )
      await expect(
        collect(t.lathe.data.reader.scan({ path: join(dir, 'no.csv') })),
      ).rejects.toThrow(/No file at/)
    })

    it('prints the first rows with lathe data head', async () => {
      const head = await runCli(t.lathe.config, registerDataCommands, [
        'data',
        'head',
        'orders:1',
        '-n',
        '2',
        '--json',
      ])
      expect(JSON.parse(head.out)).toEqual([
        { id: 0, amount: 0, plan: 'p0' },
        { id: 1, amount: 0.5, plan: 'p1' },
      ])
    })
  })
}
