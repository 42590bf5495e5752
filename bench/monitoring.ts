/**
 * Monitoring (issue 7): (1) the time to compute every monitor (drift, performance, operational,
 * quality) over a window of 1,000,000 logged inferences × 20 features, beside one bare pass over
 * the same values; (2) serving requests/s of a `lathe server` whose monitor scheduler runs the
 * four monitors on every closed 5 s window, beside the same server with its scheduler stopped
 * (target: monitoring costs serving ≤ 10%). The two servers are child processes on copies of one
 * home, measured in interleaved rounds. `BENCH_DURATION` sets seconds per server (default 15).
 */
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { buildServer } from '../src/api/server.js'
import { loadConfig } from '../src/config.js'
import { parseContract, type Contract, type DatasetProfile } from '../src/data/index.js'
import { openLathe } from '../src/main.js'
import { toMlflowSignature, trainLogisticRegression } from '../src/models/index.js'
import { driftPoints } from '../src/monitoring/drift-points.js'
import { operationalPoints } from '../src/monitoring/operational-points.js'
import { performancePoints, type Feedback } from '../src/monitoring/performance-points.js'
import { qualityPoints } from '../src/monitoring/quality-points.js'
import type { LoggedRequest } from '../src/serving/index.js'
import { printFigures, type Figure } from './support/report.js'

const FEATURES = Array.from({ length: 20 }, (_, i) => `f${i}`)
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const DURATION = Number(process.env.BENCH_DURATION ?? 15)
const ROUNDS = 5
const CONNECTIONS = 20

/** A seeded uniform generator (so runs compare). */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function record(next: () => number, shift: number): Record<string, number> {
  return Object.fromEntries(FEATURES.map((f, i) => [f, next() * 10 + (i % 2 === 0 ? shift : 0)]))
}

const contract: Contract = parseContract({
  name: 'bench',
  columns: Object.fromEntries(FEATURES.map((f) => [f, { type: 'float', min: 0, max: 20 }])),
})

/** A home with a reference dataset, a 20-feature model deployed, and the four monitors. */
async function prepare(home: string): Promise<DatasetProfile> {
  const lathe = await openLathe(loadConfig({ home }, {}, home))
  try {
    const next = random(1)
    const rows = Array.from({ length: 20_000 }, () => record(next, 0))
    const label = rows.map((r) => (r.f0! + r.f1! > 10 ? 1 : 0))
    const csv = join(home, 'reference.csv')
    const lines = rows.map((r, i) => [...FEATURES.map((f) => r[f]), label[i]].join(','))
    writeFileSync(csv, `${[...FEATURES, 'label'].join(',')}\n${lines.join('\n')}\n`)
    console.log('  storing the reference dataset…')
    await lathe.data.datasets.add(csv, { name: 'bench-ref' })
    await lathe.data.contracts.register(contract)
    // Numeric columns are Float64Arrays (a plain array is read as categories).
    const frame = Object.fromEntries([
      ...FEATURES.map((f) => [f, Float64Array.from(rows, (r) => r[f]!)]),
      ['label', Float64Array.from(label)],
    ])
    console.log('  training…')
    const model = trainLogisticRegression(frame, { target: 'label', features: FEATURES, seed: 1 })
    const mlmodel = `flavors: {onnx: {data: model.onnx}}\nsignature: ${JSON.stringify(toMlflowSignature(model.signature))}\n`
    await lathe.artifacts.put('bench/m/model.onnx', Readable.from([Buffer.from(model.toOnnx())]))
    await lathe.artifacts.put('bench/m/MLmodel', Readable.from([mlmodel]))
    await lathe.registry.models.create({ name: 'bench' })
    await lathe.registry.versions.create({ name: 'bench', source: 'mlflow-artifacts:/bench/m' })
    await lathe.serving.deployments.create({ name: 'bench', model: 'bench', version: 1 })
    const { monitors } = lathe.monitoring
    const create = (kind: 'drift' | 'performance' | 'operational' | 'quality', spec = {}) =>
      monitors.create({ deployment: 'bench', kind, windowMs: 5000, spec })
    await create('drift', { reference: 'bench-ref:1', features: FEATURES })
    await create('performance', { labelField: 'label', scoreField: 'probabilities' })
    await create('operational')
    await create('quality', { contract: 'bench' })
    console.log('  profiling…')
    return (await lathe.data.profiles.profile({ ref: 'bench-ref:1' })).profile
  } finally {
    await lathe.close()
  }
}

/** (1) Every monitor's computation over one window of ROWS logged requests, and a bare pass. */
function computeFigures(reference: DatasetProfile): Figure[] {
  const next = random(2)
  const rows: LoggedRequest[] = []
  const feedback = new Map<string, Feedback>()
  for (let i = 0; i < ROWS; i++) {
    const p = next()
    rows.push({
      id: i + 1,
      requestId: `r${i}`,
      deployment: 'bench',
      version: 1,
      variant: 'stable',
      timestampMs: i,
      inputs: [record(next, i < ROWS / 2 ? 0 : 2)],
      outputs: [{ label: p > 0.5 ? 1 : 0, probabilities: [1 - p, p] }],
      latencyMs: next() * 5,
      status: 'ok',
    })
    feedback.set(`r${i}`, {
      requestId: `r${i}`,
      labels: [next() > 0.5 ? 1 : 0],
      receivedAtMs: ROWS,
    })
  }
  const bareStart = performance.now()
  let sum = 0
  for (const row of rows) for (const f of FEATURES) sum += row.inputs![0]![f] as number
  const bareMs = performance.now() - bareStart
  const window = { startMs: 0, endMs: ROWS }
  const timed = (fn: () => unknown) => {
    const start = performance.now()
    fn()
    return performance.now() - start
  }
  const parts = {
    drift: timed(() => driftPoints(rows, reference, { features: FEATURES })),
    performance: timed(() =>
      performancePoints(rows, feedback, { labelField: 'label', scoreField: 'probabilities' }),
    ),
    operational: timed(() => operationalPoints(rows, window)),
    quality: timed(() => qualityPoints(rows, contract)),
  }
  const total = Object.values(parts).reduce((a, b) => a + b, 0)
  if (!Number.isFinite(sum)) throw new Error('bad data')
  return [
    {
      name: `all monitors, ${ROWS.toLocaleString('en-US')} rows × 20 features`,
      value: total,
      unit: 'ms',
      baseline: { name: 'one bare pass over the values', value: bareMs },
    },
    ...Object.entries(parts).map(([name, ms]) => ({ name: `  ${name}`, value: ms, unit: 'ms' })),
  ]
}

/** A child: `lathe server` on `home`, its scheduler stopped or ticking every second. */
async function server(home: string, jobs: boolean): Promise<void> {
  const lathe = await openLathe(loadConfig({ home }, {}, home))
  const app = await buildServer(lathe)
  await app.ready()
  await lathe.monitoring.scheduler.stop()
  if (jobs) lathe.monitoring.scheduler.start(1000)
  console.log(`listening on ${await app.listen({ host: '127.0.0.1', port: 0 })}`)
}

async function start(home: string, jobs: boolean): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/monitoring.ts'], {
    env: { ...process.env, BENCH_MONITORING_HOME: home, BENCH_MONITORING_JOBS: jobs ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { url: `${url}/serve/bench/invocations`, child }
}

async function rps(url: string, seconds: number): Promise<number> {
  const next = random(3)
  const result = await autocannon({
    url,
    method: 'POST',
    body: JSON.stringify({ dataframe_records: [record(next, 0)] }),
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    duration: seconds,
  })
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: failed requests`)
  return result.requests.average
}

async function servingFigures(homeA: string, homeB: string): Promise<Figure[]> {
  const plain = await start(homeA, false)
  const monitored = await start(homeB, true)
  try {
    await rps(plain.url, 2)
    await rps(monitored.url, 2)
    const a: number[] = []
    const b: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      a.push(await rps(plain.url, DURATION / ROUNDS))
      b.push(await rps(monitored.url, DURATION / ROUNDS))
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!
    return [
      { name: 'serving, scheduler stopped', value: median(a), unit: 'req/s' },
      {
        name: 'serving, 4 monitors on every 5 s window',
        value: median(b),
        unit: 'req/s',
        baseline: { name: 'stopped', value: median(a) },
        target: '≥ 0.90x',
      },
    ]
  } finally {
    for (const { child } of [plain, monitored]) child.kill('SIGTERM')
  }
}

async function main(): Promise<void> {
  const homeA = mkdtempSync(join(tmpdir(), 'lathe-bench-monitoring-'))
  const homeB = `${homeA}-copy`
  try {
    console.log('preparing a reference dataset, a 20-feature model, a deployment and 4 monitors…')
    const reference = await prepare(homeA)
    cpSync(homeA, homeB, { recursive: true })
    console.log(`computing the monitors over ${ROWS.toLocaleString('en-US')} rows…`)
    const compute = computeFigures(reference)
    console.log('measuring serving with and without monitoring jobs…')
    const serving = await servingFigures(homeA, homeB)
    printFigures(
      `Monitoring: compute over one window; serving req/s (${CONNECTIONS} connections, ${DURATION} s per server in ${ROUNDS} rounds, medians)`,
      [...compute, ...serving],
    )
  } finally {
    rmSync(homeA, { recursive: true, force: true })
    rmSync(homeB, { recursive: true, force: true })
  }
}

const home = process.env.BENCH_MONITORING_HOME
if (home) await server(home, process.env.BENCH_MONITORING_JOBS === '1')
else await main()
