import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkpointInBackground } from './sqlite-checkpointer.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function open(): { path: string; db: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-checkpoint-'))
  dirs.push(dir)
  const path = join(dir, 'db.sqlite')
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
  return { path, db }
}

describe('checkpointInBackground', () => {
  it('takes checkpoints off the writing connection, moving the log into the file itself', async () => {
    const { path, db } = open()
    const stop = checkpointInBackground(path, db, { startAfterMs: 0 })
    await vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0))
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
    for (let i = 0; i < 2000; i++) insert.run('x'.repeat(200))
    // Rows reach the database file only through a checkpoint; SQLite's own would wait for ~4 MB.
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(2000 * 200), {
      timeout: 5000,
    })
    await stop()
    db.close()
    // The worker's last checkpoint and close leave no log behind, every row in the file.
    await vi.waitFor(() => expect(existsSync(`${path}-wal`)).toBe(false), { timeout: 5000 })
    const reopened = new Database(path, { readonly: true })
    expect(reopened.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 })
    reopened.close()
  })

  it('lets a process that stops it go on to the end, started or not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lathe-checkpoint-'))
    dirs.push(dir)
    const module = new URL('./sqlite-checkpointer.ts', import.meta.url).href
    const script = `
      import Database from 'better-sqlite3'
      import { checkpointInBackground } from ${JSON.stringify(module)}
      const path = ${JSON.stringify(join(dir, 'db.sqlite'))}
      const db = new Database(path)
      db.pragma('journal_mode = WAL')
      await checkpointInBackground(path, db)() // stopped before it started
      const stop = checkpointInBackground(path, db, { startAfterMs: 0 })
      await new Promise((resolve) => setTimeout(resolve, 1)) // started, still booting
      await stop()
      db.close()
      console.log('closed')
    `
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    )
    expect(child.stderr).toBe('')
    expect(child.status).toBe(0)
    expect(child.stdout.trim()).toBe('closed')
  })

  it('turns SQLite’s own checkpoints back on when the worker cannot run', async () => {
    const { db } = open()
    checkpointInBackground(join(tmpdir(), 'no-such-dir', 'missing', 'db.sqlite'), db, {
      startAfterMs: 0,
    })
    db.pragma('wal_autocheckpoint = 0')
    await vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000))
    db.close()
  })
})
