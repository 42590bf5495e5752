import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

// Plain CommonJS, evaluated in the worker, so it runs the same from sources, tests and builds.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch {}
}
const timer = setInterval(checkpoint, workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  process.exit(0)
})
parentPort.postMessage('ready')
`

/** How often the worker moves the write-ahead log into the database file. */
const EVERY_MS = 500

/**
 * Moves SQLite's write-ahead log into the database file from a worker thread with its own
 * connection. SQLite otherwise checkpoints inside the commit that fills the log (every ~4 MB),
 * copying and syncing megabytes while that commit's caller waits: on a server writing steadily
 * (the inference log, metric batches) the event loop stalls for milliseconds about once a second,
 * and every request then in flight pays it. The worker starts `startAfterMs` after opening, so a
 * short CLI command never pays for it. If it cannot start or dies, SQLite's own checkpoints are
 * turned back on.
 * @returns stops the worker after a last checkpoint; resolves once it has closed its connection
 */
export function checkpointInBackground(
  path: string,
  database: Database.Database,
  { startAfterMs = 2000 } = {},
): () => Promise<void> {
  let stopped = false
  let exited: Promise<void> | undefined
  let worker: Worker | undefined
  const start = () => {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    const started = new Worker(WORKER, {
      eval: true,
      workerData: { path, driver, everyMs: EVERY_MS },
    })
    started.unref()
    const restore = () => {
      if (stopped || !database.open) return
      stopped = true
      database.pragma('wal_autocheckpoint = 1000')
    }
    started.once('message', () => {
      if (!stopped && database.open) database.pragma('wal_autocheckpoint = 0')
    })
    started.on('error', restore)
    started.on('exit', restore)
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()))
    worker = started
  }
  const timer = setTimeout(start, startAfterMs)
  timer.unref()
  return async () => {
    stopped = true
    clearTimeout(timer)
    if (!worker) return
    worker.ref() // awaited below: an unreferenced worker would let the process end first
    worker.postMessage('stop')
    await exited
  }
}
