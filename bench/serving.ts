/**
 * Serving throughput and latency (issue: single-row requests at 50 connections over loopback,
 * autocannon; (b) a deployment with validation, logging and metrics, (c) a 90/10 canary and
 * (d) primary + shadow each keep ≥ 80% of (a)'s requests/s — a bare Fastify route calling
 * onnxruntime on the same model — with p99 ≤ 5 ms, for the built-in GBDT model).
 *
 * Each server runs in its own child process (this one only drives autocannon), one at a time.
 * `BENCH_DURATION` sets the seconds per target (default 15, in 5 interleaved rounds).
 */
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import Fastify from 'fastify'
import * as ort from 'onnxruntime-node'
import { loadConfig } from '../src/config.js'
import { openLathe } from '../src/main.js'
import { toMlflowSignature, trainGradientBoostingClassifier } from '../src/models/index.js'
import { makeTabularFrame } from '../src/models/make-tabular-frame.js'
import { printFigures, type Figure } from './support/report.js'

const DURATION = Number(process.env.BENCH_DURATION ?? 15)
const ROUNDS = 5
const CONNECTIONS = 50
const ROW = { x1: 1.25, x2: -0.4, x3: -2.9, city: 'b' }
const BODY = JSON.stringify({ dataframe_records: [ROW] })

/** (a), run as a child process: Fastify + onnxruntime, nothing else. */
async function bareServer(modelPath: string): Promise<void> {
  const session = await ort.InferenceSession.create(readFileSync(modelPath), {
    intraOpNumThreads: 1,
  })
  const app = Fastify()
  app.post('/predict', async (request) => {
    const rows = (request.body as { dataframe_records: Record<string, unknown>[] })
      .dataframe_records
    const feeds: Record<string, ort.Tensor> = {}
    for (const name of ['x1', 'x2', 'x3']) {
      feeds[name] = new ort.Tensor(
        'float64',
        Float64Array.from(rows, (r) => Number(r[name])),
        [rows.length, 1],
      )
    }
    feeds.city = new ort.Tensor(
      'string',
      rows.map((r) => String(r.city)),
      [rows.length, 1],
    )
    const out = await session.run(feeds)
    // The same answer as the deployments give: label and class probabilities per row.
    const labels = out.label!.data as ArrayLike<unknown>
    const probabilities = out.probabilities!.data as ArrayLike<number>
    const width = probabilities.length / rows.length
    return {
      predictions: Array.from({ length: rows.length }, (_, i) => ({
        label: labels[i],
        probabilities: Array.from(probabilities).slice(i * width, (i + 1) * width),
      })),
    }
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  console.log(`listening on ${address}`)
}

/** Trains the built-in GBDT twice (two versions), registers them, creates the deployments. */
async function prepare(home: string): Promise<string> {
  const lathe = await openLathe(loadConfig({ home }, {}, home))
  try {
    const onnxPaths: string[] = []
    for (const seed of [1, 2]) {
      const frame = makeTabularFrame({ rows: 2000, seed })
      const model = trainGradientBoostingClassifier(frame, {
        target: 'label',
        features: ['x1', 'x2', 'x3', 'city'],
        seed,
      })
      const dir = `bench/gbdt-${seed}`
      const mlmodel = `flavors: {onnx: {data: model.onnx}}\nsignature: ${JSON.stringify(toMlflowSignature(model.signature))}\n`
      await lathe.artifacts.put(`${dir}/model.onnx`, Readable.from([Buffer.from(model.toOnnx())]))
      await lathe.artifacts.put(`${dir}/MLmodel`, Readable.from([mlmodel]))
      onnxPaths.push(join(home, `gbdt-${seed}.onnx`))
      writeFileSync(onnxPaths.at(-1)!, model.toOnnx())
      if (seed === 1) await lathe.registry.models.create({ name: 'gbdt' })
      await lathe.registry.versions.create({ name: 'gbdt', source: `mlflow-artifacts:/${dir}` })
    }
    await lathe.registry.aliases.set('gbdt', 'champion', 1)
    const { deployments } = lathe.serving
    // The controller must hold the canary at 10% for the whole run.
    const hold = {
      canary: { steps: [10, 100], stepSeconds: 1e9 },
      analysis: { intervalSeconds: 1e6, windowSeconds: 1e6 },
    }
    await deployments.create({ name: 'single', model: 'gbdt', config: hold })
    await deployments.create({ name: 'canary', model: 'gbdt', strategy: 'canary', config: hold })
    await deployments.release('canary', { version: 2 })
    await deployments.create({ name: 'shadow', model: 'gbdt', strategy: 'shadow', config: hold })
    await deployments.release('shadow', { version: 2 })
    return onnxPaths[0]!
  } finally {
    await lathe.close()
  }
}

/** Starts a child process and resolves with the address it prints. */
async function start(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /(?:listening|serving) on (http:\/\/\S+)/.exec(line)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { url, child }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

interface Measured {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly failures: number
  /** Server CPU (user + system) per answered request, µs: what load on this shared box hides. */
  readonly cpuUs: number
}

/** A process's CPU time so far in seconds (Linux /proc), or NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in USER_HZ ticks
  } catch {
    return Number.NaN
  }
}

async function measure(url: string, seconds: number, pid?: number): Promise<Measured> {
  const cpuBefore = cpuSeconds(pid)
  const result = await autocannon({
    url,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    duration: seconds,
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuUs: ((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.requests.total),
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/**
 * Runs every target in turn, `ROUNDS` times: this machine's load drifts, so targets measured
 * back to back in each round compare fairly; the medians of the rounds are reported.
 */
async function rounds(
  targets: readonly (readonly [string, string, number | undefined])[],
): Promise<Map<string, Measured>> {
  for (const [, url] of targets) await measure(url, 2) // warm-up: JIT, sessions, connections
  const runs = new Map<string, Measured[]>(targets.map(([name]) => [name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, url, pid] of targets) {
      runs.get(name)!.push(await measure(url, DURATION / ROUNDS, pid))
    }
  }
  const out = new Map<string, Measured>()
  for (const [name, list] of runs) {
    out.set(name, {
      rps: median(list.map((m) => m.rps)),
      p50: median(list.map((m) => m.p50)),
      p99: median(list.map((m) => m.p99)),
      failures: list.reduce((sum, m) => sum + m.failures, 0),
      cpuUs: median(list.map((m) => m.cpuUs)),
    })
  }
  return out
}

const TARGETS = [
  ['(a) bare Fastify + onnxruntime', ''],
  ['(b) single deployment', 'single'],
  ['(c) 90/10 canary', 'canary'],
  ['(d) primary + shadow', 'shadow'],
] as const

function figures(results: Map<string, Measured>): Figure[] {
  const floor = results.get(TARGETS[0][0])!
  return TARGETS.flatMap(([label], i) => {
    const m = results.get(label)!
    const rps: Figure =
      i === 0
        ? { name: label, value: m.rps, unit: 'req/s' }
        : {
            name: label,
            value: m.rps,
            unit: 'req/s',
            baseline: { name: 'a', value: floor.rps },
            target: '≥ 0.80x',
          }
    const latency: Figure = {
      name: `${label.slice(0, 3)} p99`,
      value: m.p99,
      unit: `ms (p50 ${m.p50} ms)`,
      target: '≤ 5 ms',
    }
    const cpu: Figure = {
      name: `${label.slice(0, 3)} server CPU per request`,
      value: m.cpuUs,
      unit: 'µs',
      ...(i === 0 ? {} : { baseline: { name: 'a', value: floor.cpuUs } }),
    }
    const failed: Figure[] =
      m.failures > 0
        ? [{ name: `${label.slice(0, 3)} failed requests`, value: m.failures, unit: '' }]
        : []
    return [rps, latency, cpu, ...failed]
  })
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'lathe-bench-serving-'))
  try {
    console.log('training the built-in GBDT (two versions) and creating deployments…')
    const modelPath = await prepare(home)
    const bare = await start(['bench/serving.ts'], { BENCH_SERVING_BARE: modelPath })
    const lathe = await start(['src/cli/main.ts', '--home', home, 'serve', '--port', '0'])
    try {
      const targets = TARGETS.map(([label, name]) =>
        name === ''
          ? ([label, `${bare.url}/predict`, bare.child.pid] as const)
          : ([label, `${lathe.url}/serve/${name}/invocations`, lathe.child.pid] as const),
      )
      const results = await rounds(targets)
      printFigures(
        `Serving, single-row requests, ${CONNECTIONS} connections, ${DURATION} s per target in ${ROUNDS} rounds (built-in GBDT; medians)`,
        figures(results),
      )
    } finally {
      await Promise.all([stop(bare.child), stop(lathe.child)])
    }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

if (process.env.BENCH_SERVING_BARE) await bareServer(process.env.BENCH_SERVING_BARE)
else await main()
