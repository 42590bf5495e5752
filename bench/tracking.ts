/**
 * Tracking throughput and search latency (issue: log-batch ≥ 200,000 metrics/s on SQLite and
 * ≥ 30% of a bare prepared-statement insert; search p95 ≤ 50 ms over 10,000 runs × 20 metrics).
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, request } from 'node:http'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { openLathe } from '../src/main.js'
import { percentile, printFigures, type Figure } from './support/report.js'
import { startServerProcess } from './support/server-process.js'

const BATCHES = Number(process.env.BENCH_BATCHES ?? 300)
const METRICS_PER_BATCH = 1000
const CONCURRENCY = 4
const agent = new Agent({ keepAlive: true, maxSockets: 16 })

function post(url: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function json(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Record<string, unknown>
}

function batchBody(runId: string, batch: number): string {
  const metrics = Array.from({ length: METRICS_PER_BATCH }, (_, i) => ({
    key: `m${i % 20}`,
    value: Math.random(),
    timestamp: 1_700_000_000_000 + batch,
    step: batch * 50 + Math.floor(i / 20),
  }))
  return JSON.stringify({ run_id: runId, metrics })
}

/** Runs `total` requests through `CONCURRENCY` workers; returns elapsed seconds. */
async function drive(total: number, send: (i: number) => Promise<number>): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const status = await send(next++)
        if (status !== 200) throw new Error(`request failed with ${status}`)
      }
    }),
  )
  return (performance.now() - start) / 1000
}

async function logBatchRate(args: string[]): Promise<{ batch: number; single: number }> {
  const server = await startServerProcess(args)
  try {
    const { run } = (await json(server.url, '/api/2.0/mlflow/runs/create', {
      experiment_id: '0',
    })) as { run: { info: { run_id: string } } }
    const runId = run.info.run_id
    const bodies = Array.from({ length: BATCHES }, (_, i) => batchBody(runId, i))
    await drive(10, (i) => post(server.url, '/api/2.0/mlflow/runs/log-batch', bodies[i]!)) // warm-up
    const seconds = await drive(BATCHES, (i) =>
      post(server.url, '/api/2.0/mlflow/runs/log-batch', bodies[i]!),
    )
    const singles = 3000
    const singleSeconds = await drive(singles, (i) =>
      post(
        server.url,
        '/api/2.0/mlflow/runs/log-metric',
        JSON.stringify({ run_id: runId, key: 'single', value: i, timestamp: i, step: i }),
      ),
    )
    return { batch: (BATCHES * METRICS_PER_BATCH) / seconds, single: singles / singleSeconds }
  } finally {
    await server.stop()
  }
}

/**
 * The ceiling: the same rows into the same `metrics` table (created by Lathe's own migrations)
 * by one prepared statement, 1000 rows per transaction.
 */
async function bareInsertRate(home: string): Promise<number> {
  const lathe = await openLathe(loadConfig({ home }, {}, home))
  await lathe.close()
  const db = new Database(join(home, 'lathe.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const insert = db.prepare(
    'insert into metrics (run_id, key, value, is_nan, timestamp, step) values (?, ?, ?, 0, ?, ?) on conflict do nothing',
  )
  const write = db.transaction((batch: number) => {
    for (let i = 0; i < METRICS_PER_BATCH; i++)
      insert.run(
        'r',
        `m${i % 20}`,
        Math.random(),
        1_700_000_000_000 + batch,
        batch * 50 + Math.floor(i / 20),
      )
  })
  const start = performance.now()
  for (let b = 0; b < BATCHES; b++) write(b)
  const seconds = (performance.now() - start) / 1000
  db.close()
  return (BATCHES * METRICS_PER_BATCH) / seconds
}

async function searchLatency(home: string): Promise<{ p50: number; p95: number; seeded: number }> {
  const lathe = await openLathe(loadConfig({ home }, {}, home))
  const runs = 10_000
  for (let r = 0; r < runs; r++) {
    const run = await lathe.tracking.runs.create({
      experimentId: '0',
      runName: `run-${r}`,
      startTime: r,
    })
    await lathe.tracking.runs.logBatch(run.info.runId, {
      metrics: Array.from({ length: 20 }, (_, i) => ({
        key: `m${i}`,
        value: Math.random(),
        timestamp: r,
        step: 0,
      })),
      params: [{ key: 'model', value: r % 2 ? 'gbdt' : 'logistic' }],
    })
    if (r % 1000 === 999) process.stdout.write(`\rseeding runs ${r + 1}/${runs}`)
  }
  process.stdout.write('\n')
  await lathe.close()
  const server = await startServerProcess(['--home', home])
  try {
    const samples: number[] = []
    for (let i = 0; i < 60; i++) {
      const start = performance.now()
      const result = await json(server.url, '/api/2.0/mlflow/runs/search', {
        experiment_ids: ['0'],
        filter: `metrics.m3 > ${(i % 10) / 10} and params.model = 'gbdt'`,
        order_by: ['metrics.m7 DESC'],
        max_results: 100,
      })
      if (!Array.isArray(result.runs)) throw new Error(`search failed: ${JSON.stringify(result)}`)
      if (i >= 10) samples.push(performance.now() - start)
    }
    return { p50: percentile(samples, 50), p95: percentile(samples, 95), seeded: runs }
  } finally {
    await server.stop()
  }
}

async function withPostgresDatabase<T>(fn: (url: string) => Promise<T>): Promise<T | undefined> {
  const admin = process.env.LATHE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `lathe_bench_${Date.now()}`
  const client = new pg.Client({ connectionString: admin })
  try {
    await client.connect()
  } catch {
    console.log(`PostgreSQL not reachable at ${admin}: skipping the PostgreSQL figure`)
    return undefined
  }
  await client.query(`create database ${name}`)
  try {
    const url = new URL(admin)
    url.pathname = `/${name}`
    return await fn(url.toString())
  } finally {
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  }
}

const home = mkdtempSync(join(tmpdir(), 'lathe-bench-'))
try {
  console.log(
    `log-batch: ${BATCHES} requests × ${METRICS_PER_BATCH} metrics, ${CONCURRENCY} concurrent clients`,
  )
  const ceiling = await bareInsertRate(join(home, 'bare'))
  const sqlite = await logBatchRate(['--home', join(home, 'sqlite')])
  const postgres = await withPostgresDatabase((url) =>
    logBatchRate(['--home', join(home, 'pg'), '--db', url]),
  )
  const search = await searchLatency(join(home, 'search'))
  const figures: Figure[] = [
    {
      name: 'log-batch over HTTP, SQLite',
      value: sqlite.batch,
      unit: 'metrics/s',
      baseline: { name: 'bare insert', value: ceiling },
      target: '≥ 200,000/s and ≥ 0.30x',
    },
    ...(postgres
      ? [
          {
            name: 'log-batch over HTTP, PostgreSQL',
            value: postgres.batch,
            unit: 'metrics/s',
            baseline: { name: 'bare insert (SQLite)', value: ceiling },
          },
        ]
      : []),
    { name: 'log-metric single calls, SQLite', value: sqlite.single, unit: 'calls/s' },
    ...(postgres
      ? [{ name: 'log-metric single calls, PostgreSQL', value: postgres.single, unit: 'calls/s' }]
      : []),
    { name: `search-runs p50 (${search.seeded} runs × 20 metrics)`, value: search.p50, unit: 'ms' },
    {
      name: `search-runs p95 (${search.seeded} runs × 20 metrics)`,
      value: search.p95,
      unit: 'ms',
      target: '≤ 50 ms',
    },
  ]
  printFigures('tracking benchmark', figures)
} finally {
  agent.destroy()
  rmSync(home, { recursive: true, force: true })
}
