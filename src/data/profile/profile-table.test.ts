import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NumericProfile, sturgesEdges } from '../../stats/index.js'
import { readDataset } from '../read-dataset.js'
import { writeQuery } from '../write-query.js'

describe('profileTable', () => {
  let dir: string
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lathe-profile-test-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('streams numbers in batches into the same profile as profiling them at once', async () => {
    // 200,000 rows: several batches of 65,536, batch edges falling inside DuckDB chunks.
    const path = join(dir, 'many.parquet')
    await writeQuery(
      'SELECT (range * 7919) % 100003 / 7.0 AS x FROM range(200000)',
      path,
      'parquet',
    )
    const { profile } = await readDataset(path)
    const values = Array.from({ length: 200_000 }, (_, i) => ((i * 7919) % 100_003) / 7)
    const min = values.reduce((a, b) => Math.min(a, b))
    const max = values.reduce((a, b) => Math.max(a, b))
    const whole = NumericProfile.of(values, {
      edges: sturgesEdges(min, max, values.length),
    }).toJSON()
    const streamed = profile.columns[0]?.numeric
    expect(streamed).toMatchObject({
      count: 200_000,
      missingCount: 0,
      min,
      max,
      histogram: whole.histogram,
    })
    expect(streamed?.mean).toBeCloseTo(whole.mean ?? 0, 9)
    expect(streamed?.m2).toBeCloseTo(whole.m2, 0)
  })

  it('counts nulls, NaN and infinities apart, and profiles categories and timestamps', async () => {
    const csv = write(
      'mixed.csv',
      'x,c,t,empty\n1,a,2024-01-02 00:00:00,\nNaN,b,2024-01-01 00:00:00,\ninf,a,,\n,a,2024-03-01 12:00:00,\n-inf,,2023-12-31 00:00:00,\n',
    )
    const { profile, rowCount } = await readDataset(csv)
    expect(rowCount).toBe(5)
    const [x, c, t, empty] = profile.columns
    expect(x).toMatchObject({
      kind: 'numerical',
      nullCount: 1,
      distinctCount: 1,
      numeric: { count: 1, missingCount: 2, infiniteCount: 2, min: 1, max: 1 },
    })
    expect(c).toMatchObject({
      kind: 'categorical',
      nullCount: 1,
      distinctCount: 2,
      categorical: {
        count: 4,
        missingCount: 1,
        otherCount: 0,
        categories: [
          ['a', 3],
          ['b', 1],
        ],
      },
    })
    expect(t).toMatchObject({
      kind: 'datetime',
      nullCount: 1,
      datetime: { min: '2023-12-31T00:00:00.000Z', max: '2024-03-01T12:00:00.000Z' },
    })
    expect(empty).toMatchObject({
      kind: 'categorical',
      nullCount: 5,
      distinctCount: 0,
      categorical: { count: 0, categories: [] },
    })
  })

  it('profiles an all-null numerical column and an empty dataset without failing', async () => {
    const path = join(dir, 'nulls.parquet')
    await writeQuery('SELECT NULL::DOUBLE AS x, range AS i FROM range(3)', path, 'parquet')
    const nulls = await readDataset(path)
    expect(nulls.profile.columns[0]?.numeric).toMatchObject({
      count: 0,
      missingCount: 3,
      min: null,
      max: null,
      mean: null,
    })
    const empty = await readDataset(write('empty.csv', 'a,b\n'))
    expect(empty.profile).toMatchObject({
      rowCount: 0,
      columns: [{ name: 'a', nullCount: 0 }, { name: 'b' }],
    })
  })

  it('folds rare categories into "other" past the cap', async () => {
    const path = join(dir, 'cats.parquet')
    await writeQuery("SELECT 'v' || (range % 50) AS k FROM range(1000)", path, 'parquet')
    const { profile } = await readDataset(path, undefined, { maxCategories: 10 })
    expect(profile.columns[0]?.distinctCount).toBe(50)
    expect(profile.columns[0]?.categorical).toMatchObject({
      count: 1000,
      otherCount: 800,
      maxCategories: 10,
    })
    expect(profile.columns[0]?.categorical?.categories).toHaveLength(10)
  })
})
