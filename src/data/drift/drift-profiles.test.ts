import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { columnDrift, CategoricalProfile, NumericSample } from '../../stats/index.js'
import { readDataset } from '../read-dataset.js'
import { driftHtml } from '../report/drift-html.js'
import { writeQuery } from '../write-query.js'
import { ProfileService } from '../profile-service.js'
import { DatasetService } from '../dataset-service.js'
import type { DataDeps } from '../deps.js'
import { driftProfiles } from './drift-profiles.js'

// Deterministic data without random(): a sawtooth for numbers, a cycle for categories.
const rows = (n: number, shift: number, colors: string) => `
  SELECT ((range * 7919) % 1000) / 1000.0 + ${shift} AS x,
         ${colors}[(range % 3) + 1] AS color,
         CASE WHEN range % 2 = 0 THEN 1 ELSE 0 END AS flag,
         TIMESTAMP '2024-01-01' + INTERVAL (range) MINUTE AS at
  FROM range(${n})`

describe('drift from profiles', () => {
  let dir: string
  const path = (name: string) => join(dir, name)
  // Local files need no store.
  const files = new ProfileService(new DatasetService({} as DataDeps))
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lathe-drift-test-'))
    await writeQuery(rows(5000, 0, "['red', 'green', 'blue']"), path('ref.parquet'), 'parquet')
    await writeQuery(rows(5000, 0.25, "['red', 'red', 'blue']"), path('cur.parquet'), 'parquet')
    await writeQuery(rows(400, 0, "['red', 'green', 'blue']"), path('small.parquet'), 'parquet')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('finds shifted numbers and categories, skips datetimes, and decides for the dataset', async () => {
    const { report } = await files.drift(
      { path: path('ref.parquet') },
      { path: path('cur.parquet') },
    )
    expect(
      report.columns.map((c) => [c.name, c.result?.test ?? c.skipped, c.result?.isDrifted]),
    ).toEqual([
      ['x', 'wasserstein', true],
      ['color', 'jensenshannon', true],
      ['flag', 'jensenshannon', false],
      ['at', 'datetime columns are not tested for drift', undefined],
    ])
    expect(report.dataset).toEqual({
      columnCount: 3,
      driftedCount: 2,
      driftedShare: 2 / 3,
      isDrifted: true,
      driftShare: 0.5,
    })
    const exact = columnDrift(
      NumericSample.of(Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 1000) / 1000)),
      NumericSample.of(Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 1000) / 1000 + 0.25)),
    )
    expect(report.columns[0]).toMatchObject({ isExact: true, result: { score: exact.score } })
    // Past the exact limit the sketches stand in for the samples, close to the exact score.
    const sketched = await files.drift(
      { path: path('ref.parquet') },
      { path: path('cur.parquet') },
      { maxExactValues: 0 },
    )
    expect(sketched.report.columns[0]?.isExact).toBe(false)
    expect(sketched.report.columns[0]?.result?.score).toBeCloseTo(exact.score, 2)
  })

  it('matches the exact test on category counts', async () => {
    const { report } = await files.drift(
      { path: path('ref.parquet') },
      { path: path('cur.parquet') },
    )
    const counts = (a: string[]) =>
      CategoricalProfile.of(Array.from({ length: 5000 }, (_, i) => a[i % 3] ?? ''))
    const exact = columnDrift(counts(['red', 'green', 'blue']), counts(['red', 'red', 'blue']))
    expect(report.columns[1]?.result?.statistic).toBeCloseTo(exact.statistic, 12)
  })

  it('uses the small-sample tests for a small reference, and a chosen test with aligned bins', async () => {
    const small = await files.drift({ path: path('small.parquet') }, { path: path('cur.parquet') })
    expect(small.report.columns.slice(0, 3).map((c) => c.result?.test)).toEqual([
      'ks',
      'chisquare',
      'z',
    ])
    const psi = await files.drift(
      { path: path('ref.parquet') },
      { path: path('cur.parquet') },
      { test: 'psi', columns: ['x'] },
    )
    expect(psi.report.columns).toHaveLength(1)
    expect(psi.report.columns[0]?.result).toMatchObject({ test: 'psi', isDrifted: true })
  })

  it('explains every column it cannot test', async () => {
    const ref = await readDataset(path('ref.parquet'))
    const nulls = path('nulls.parquet')
    await writeQuery(
      "SELECT NULL::DOUBLE AS x, 'red' AS extra, 'a' AS flag FROM range(10)",
      nulls,
      'parquet',
    )
    const cur = await readDataset(nulls)
    const drift = driftProfiles(ref.profile, cur.profile, {
      columns: ['x', 'color', 'flag', 'nope'],
    })
    expect(drift.columns.map((c) => [c.name, c.skipped])).toEqual([
      ['x', 'the current column has no values left after dropping missing ones'],
      ['color', 'not in the current data'],
      ['flag', 'numerical in the reference but categorical in the current data'],
      ['nope', 'not in the reference'],
    ])
    expect(drift.dataset).toMatchObject({ columnCount: 0, isDrifted: false })
  })

  it('writes an HTML report with one inline plot per comparable column', async () => {
    const { report, profiles } = await files.drift(
      { path: path('ref.parquet') },
      { path: path('cur.parquet') },
    )
    const html = driftHtml(
      { ...report, reference: { ...report.reference, source: '<ref>' } },
      profiles,
    )
    expect(html.match(/<svg /g)).toHaveLength(3)
    expect(html).toContain('&#60;ref&#62;')
    expect(html).not.toContain('<script')
  })
})
