import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDataset, readHistogramEdges } from '../src/data/read-dataset.js'
import { readDatasetInWorker } from '../src/data/read-dataset-worker.js'
import { writeQuery } from '../src/data/write-query.js'
import { InvalidParameterError, NotFoundError } from '../src/shared/errors.js'
import { testBackends } from './support/backends.js'
import { startTestLathe } from './support/lathe.js'

/*
 * Two-file drift profiles the reference here and the current file on a worker thread, both on
 * the reference's edges found first: the worker must give what reading here gives, errors of the
 * same class, and the edges must be the ones the reference's own profile has.
 */

let dir: string
const sample = (shift: number) => `
  SELECT ((range * 7919) % 1000) / 100.0 + ${shift} AS amount,
         CASE WHEN range % 10 = 0 THEN NULL ELSE range % 7 END AS visits,
         ['a', 'b', 'c'][(range % 3) + 1] AS segment
  FROM range(5000)`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lathe-read-worker-'))
  await writeQuery(sample(0), join(dir, 'reference.parquet'), 'parquet')
  await writeQuery(sample(2), join(dir, 'current.csv'), 'csv')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('reading a dataset on a worker thread', () => {
  it('gives the reading the calling thread gives, on the edges it is told', async () => {
    const reference = join(dir, 'reference.parquet')
    const edges = await readHistogramEdges(reference)
    const here = await readDataset(join(dir, 'current.csv'), undefined, { edges })
    const there = await readDatasetInWorker(join(dir, 'current.csv'), undefined, { edges })
    expect(there).toEqual(here)
    expect(there.format).toBe('csv')
    const amount = there.profile.columns.find((c) => c.name === 'amount')
    expect(amount?.numeric?.histogram.edges).toEqual(edges.amount)
  })

  it('finds the edges a profile of the file has', async () => {
    const reference = join(dir, 'reference.parquet')
    const { profile } = await readDataset(reference)
    const own = Object.fromEntries(
      profile.columns.flatMap((c) => (c.numeric ? [[c.name, c.numeric.histogram.edges]] : [])),
    )
    expect(await readHistogramEdges(reference)).toEqual(own)
  })

  it('drifts two large files with the current one profiled on a worker, as one by one would', async () => {
    // Over the 4 MiB from which the current file goes to a worker.
    const big = (shift: number) => sample(shift).replace('range(5000)', 'range(400000)')
    const reference = join(dir, 'big-reference.csv')
    const current = join(dir, 'big-current.csv')
    await writeQuery(big(0), reference, 'csv')
    await writeQuery(big(2), current, 'csv')
    expect(statSync(current).size).toBeGreaterThan(4 * 1024 * 1024)
    const t = await startTestLathe(testBackends[0]!)
    try {
      const { profiles, report } = await t.lathe.data.profiles.drift(
        { path: reference },
        { path: current },
      )
      const alone = await readDataset(reference)
      expect(profiles.reference).toEqual(alone.profile)
      const edges = await readHistogramEdges(reference)
      expect(profiles.current).toEqual((await readDataset(current, undefined, { edges })).profile)
      expect(report.columns.find((c) => c.name === 'amount')?.result?.isDrifted).toBe(true)
    } finally {
      await t.close()
    }
  })

  it('throws the error class reading here would throw', async () => {
    const missing = join(dir, 'missing.parquet')
    const here = await readDataset(missing).catch((e: unknown) => e)
    const there = await readDatasetInWorker(missing).catch((e: unknown) => e)
    expect(here).toBeInstanceOf(Error)
    expect((there as Error).constructor).toBe((here as Error).constructor)
    expect([NotFoundError, InvalidParameterError]).toContain((there as Error).constructor)
    expect((there as Error).message).toBe((here as Error).message)
  })
})
