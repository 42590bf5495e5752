import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataSession } from './data-session.js'
import { writeQuery } from './write-query.js'

const FIXTURES = join(import.meta.dirname, 'arrow', 'fixtures')
const ROWS = `SELECT range AS id, range * 1.5 AS x, CASE WHEN range % 2 = 0 THEN 'a' ELSE 'b' END AS k,
  TIMESTAMP '2024-01-01' + INTERVAL (range) DAY AS ts FROM range(5)`

describe('DataSession', () => {
  let dir: string
  let session: DataSession
  const path = (name: string) => join(dir, name)
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(path(name), content)
    return path(name)
  }
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lathe-session-test-'))
    session = await DataSession.open()
    await writeQuery(ROWS, path('rows.csv'), 'csv')
    await writeQuery(ROWS, path('rows.parquet'), 'parquet')
    await writeQuery(ROWS, path('rows.jsonl'), 'jsonl')
  })
  afterAll(async () => {
    await session.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(['rows.csv', 'rows.parquet', 'rows.jsonl'])(
    'reads %s with inferred types',
    async (name) => {
      const table = await session.register('t', path(name))
      expect(table.columns.map((c) => [c.name, c.type])).toEqual([
        ['id', 'int'],
        ['x', 'float'],
        ['k', 'string'],
        ['ts', 'timestamp'],
      ])
      const rows = await session.rows('SELECT * FROM t ORDER BY id LIMIT 2')
      expect(rows).toEqual([
        { id: 0, x: 0, k: 'a', ts: '2024-01-01T00:00:00.000Z' },
        { id: 1, x: 1.5, k: 'b', ts: '2024-01-02T00:00:00.000Z' },
      ])
    },
  )

  it('detects the format from the first bytes when the name does not tell', async () => {
    copyFileSync(path('rows.parquet'), path('rows.bin'))
    expect((await session.register('t', path('rows.bin'))).format).toBe('parquet')
  })

  it.each(['sample.arrow', 'sample.arrows'])(
    'reads Arrow IPC %s, dictionaries and nulls included',
    async (name) => {
      const table = await session.register('t', join(FIXTURES, name))
      expect(table.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
        'id:int',
        'small:int',
        'u8:int',
        'score:float',
        'f32:float',
        'flag:bool',
        'name:string',
        'color:string',
        'ts:timestamp',
        'day:timestamp',
        'big:string',
      ])
      const rows = await session.rows('SELECT * FROM t ORDER BY id')
      expect(rows).toHaveLength(10)
      expect(rows[1]).toEqual({
        id: 1,
        small: null,
        u8: 1,
        score: 'NaN',
        f32: 1,
        flag: false,
        name: null,
        color: 'blue',
        ts: null,
        day: '2024-01-02T00:00:00.000Z',
        big: 'y',
      })
      expect(rows[9]).toMatchObject({
        id: 104,
        small: 2147483647,
        u8: 7,
        score: -2.25,
        color: 'green',
      })
      expect(rows.map((r) => r.score).slice(0, 5)).toEqual([1.5, 'NaN', 'Infinity', null, -2.25])
    },
  )

  it('lets declared types override inference, keeping text as written', async () => {
    const csv = write('zip.csv', 'zip,n,when\n007,1.0,2024-01-01 10:00:00+02\n010,2.5,not a date\n')
    const table = await session.register('t', csv, {
      types: { zip: 'string', n: 'int', when: 'timestamp' },
    })
    expect(table.columns.map((c) => [c.name, c.type, c.sourceType])).toEqual([
      ['zip', 'string', 'VARCHAR'],
      ['n', 'int', 'VARCHAR'],
      ['when', 'timestamp', 'VARCHAR'],
    ])
    expect(await session.rows('SELECT * FROM t')).toEqual([
      { zip: '007', n: 1, when: '2024-01-01T08:00:00.000Z' },
      { zip: '010', n: null, when: null },
    ])
  })

  it('gives defined results for NaN, Infinity, all-null columns and an empty dataset', async () => {
    const odd = write('odd.csv', 'x,empty\nNaN,\ninf,\n-inf,\n1,\n')
    const table = await session.register('t', odd)
    expect(table.columns.map((c) => c.type)).toEqual(['float', 'string'])
    expect((await session.rows('SELECT x FROM t')).map((r) => r.x)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      1,
    ])
    const header = await session.register('h', write('header.csv', 'a,b\n'))
    expect(header.columns.map((c) => c.name)).toEqual(['a', 'b'])
    expect(await session.rows('SELECT count(*) AS n FROM h')).toEqual([{ n: 0 }])
  })

  it('refuses a missing, empty, truncated or foreign file with a clear error', async () => {
    await expect(session.register('t', path('nope.csv'))).rejects.toThrow(
      `No file at '${path('nope.csv')}'`,
    )
    await expect(session.register('t', dir)).rejects.toThrow('is not a file')
    await expect(session.register('t', write('empty.parquet', ''))).rejects.toThrow(
      'is empty (0 bytes)',
    )
    const parquet = readFileSync(path('rows.parquet'))
    await expect(
      session.register('t', write('cut.parquet', parquet.subarray(0, 200))),
    ).rejects.toThrow(/Cannot read '.*cut\.parquet' as parquet: .*(magic|too small)/i)
    await expect(session.register('t', write('text.parquet', 'id,x\n1,2\n'))).rejects.toThrow(
      /as parquet/,
    )
    const arrow = readFileSync(join(FIXTURES, 'sample.arrow'))
    await expect(
      session.register('t', write('cut.arrow', arrow.subarray(0, arrow.length - 40))),
    ).rejects.toThrow('The Arrow data is truncated')
    const stream = readFileSync(join(FIXTURES, 'sample.arrows'))
    await expect(
      session.register('t', write('cut.arrows', stream.subarray(0, 900))),
    ).rejects.toThrow('The Arrow data is truncated')
    await expect(session.register('t', join(FIXTURES, 'list.arrow'))).rejects.toThrow(
      "Arrow column 'l' has type List, which Lathe does not read",
    )
    await expect(session.register('t', write('bad.jsonl', '{"a": 1}\n{"a": \n'))).rejects.toThrow(
      /as jsonl/,
    )
  })

  it('reports rows that contradict the inferred CSV types as a read error, not a crash', async () => {
    const lines = ['n', ...Array.from({ length: 30_000 }, (_, i) => String(i)), 'oops']
    const csv = write('late.csv', `${lines.join('\n')}\n`)
    await session.register('t', csv)
    await expect(session.rows('SELECT sum(n) FROM t')).rejects.toThrow(
      /Reading the data failed: Conversion Error: CSV Error on Line: 30002; Original Line: oops; Error when converting column "n"/,
    )
  })
})
