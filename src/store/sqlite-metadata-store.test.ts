import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { withStatementCache } from './sqlite-metadata-store.js'

describe('the SQLite statement cache', () => {
  it('prepares a statement once per SQL text and reuses it', () => {
    const cached = withStatementCache(new Database(':memory:'))
    const first = cached.prepare('select 1 as one')
    expect(cached.prepare('select 1 as one')).toBe(first)
    expect(cached.prepare('select 2 as two')).not.toBe(first)
    expect(first.all([])).toEqual([{ one: 1 }])
  })

  it('hands out a fresh statement while the cached one is still being iterated', () => {
    const database = new Database(':memory:')
    database.exec('create table t (n integer); insert into t values (1), (2), (3)')
    const cached = withStatementCache(database)
    const sql = 'select n from t order by n'
    const outer = cached.prepare(sql).iterate([])
    const seen: number[] = []
    for (const row of outer as Iterable<{ n: number }>) {
      // Running the same SQL inside the loop would fail with "statement is busy" if shared.
      seen.push(row.n * 10 + (cached.prepare(sql).all([]) as unknown[]).length)
    }
    expect(seen).toEqual([13, 23, 33])
  })
})
