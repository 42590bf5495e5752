/**
 * Pipeline scheduling overhead (issue: ≤ 2 ms per step in-process, ≤ 20 ms per step distributed),
 * on a 1,000-step DAG of no-op steps, against a bare `Promise.all` of the same functions.
 * In-process runs on SQLite; distributed runs on PostgreSQL (LATHE_TEST_POSTGRES_URL or
 * BENCH_POSTGRES_URL) with `lathe worker` processes pulling steps through pg-boss.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { loadConfig, type Config } from '../src/config.js'
import { openLathe } from '../src/main.js'
import type { RunOptions } from '../src/pipelines/index.js'
import { printFigures, type Figure } from './support/report.js'
import { LAYERS, WIDTH, noop } from './support/noop-pipeline.js'

const STEPS = LAYERS * WIDTH
const PIPELINE = fileURLToPath(new URL('./support/noop-pipeline.ts', import.meta.url))
const REPO = fileURLToPath(new URL('..', import.meta.url))
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? process.env.LATHE_TEST_POSTGRES_URL
const WORKERS = Number(process.env.BENCH_WORKERS ?? 3)
const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8)

/** Milliseconds per step of a bare Promise.all over the same no-op functions (the floor). */
async function floorMsPerStep(): Promise<number> {
  const start = performance.now()
  for (let layer = 0; layer < LAYERS; layer++)
    await Promise.all(Array.from({ length: WIDTH }, noop))
  return (performance.now() - start) / STEPS
}

/** Wall and CPU milliseconds per step of one run. */
interface PerStep {
  readonly wallMs: number
  /** CPU of the processes doing the work (this one in-process; the workers when distributed). */
  readonly cpuMs: number
}

/** CPU milliseconds used so far by a process (Linux /proc), or by this one. */
function cpuMsOf(pid?: number): number {
  if (pid === undefined) {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100) // clock ticks at 100 Hz
}

/**
 * Runs the pipeline three times: a warm-up (module loading, JIT), then fresh (no cache) and all
 * cached, timed. `cpu` reads the CPU of whatever does the work.
 */
async function timedRuns(
  config: Config,
  options: RunOptions,
  cpu: () => number,
): Promise<{ fresh: PerStep; cached: PerStep }> {
  const lathe = await openLathe(config)
  try {
    const timed = async (isNoCache: boolean): Promise<PerStep> => {
      const [start, cpuStart] = [performance.now(), cpu()]
      const run = await (await lathe.pipelines.run(PIPELINE, { ...options, isNoCache })).done
      const perStep = {
        wallMs: (performance.now() - start) / STEPS,
        cpuMs: (cpu() - cpuStart) / STEPS,
      }
      if (run.status !== 'succeeded') throw new Error(`run ${run.runId} ${run.status}`)
      const cached = run.steps.filter((s) => s.status === 'cached').length
      if (cached !== (isNoCache ? 0 : STEPS))
        throw new Error(`expected ${isNoCache ? 0 : STEPS} cached steps, got ${cached}`)
      return perStep
    }
    await timed(true)
    return { fresh: await timed(true), cached: await timed(false) }
  } finally {
    await lathe.close()
  }
}

async function startWorker(config: Config): Promise<ChildProcess> {
  const url = config.database.kind === 'postgres' ? config.database.url : ''
  const args = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    '--home',
    config.home,
    '--db',
    url,
    'worker',
    '--concurrency',
    String(WORKER_CONCURRENCY),
  ]
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on(
      'data',
      (chunk: Buffer) => (output += chunk.toString()).includes('pulling') && resolve(),
    )
    child.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${output}`)))
  })
  return child
}

async function distributed(home: string): Promise<{ fresh: PerStep; cached: PerStep } | undefined> {
  if (!POSTGRES) return undefined
  const database = `lathe_bench_${process.pid}`
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: POSTGRES })
    await client.connect()
    await client.query(text).finally(() => client.end())
  }
  await admin(`create database ${database}`)
  const url = new URL(POSTGRES)
  url.pathname = `/${database}`
  const config = loadConfig({ home, databaseUrl: url.toString() }, {}, home)
  await (await openLathe(config)).close() // migrate once, before the workers race to
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(config)))
  try {
    const cpu = () => workers.reduce((total, w) => total + cpuMsOf(w.pid), 0)
    return await timedRuns(config, { executor: 'distributed' }, cpu)
  } finally {
    for (const w of workers) {
      const exited = once(w, 'exit')
      w.kill('SIGTERM')
      await exited
    }
    await admin(`drop database if exists ${database} with (force)`)
  }
}

function figures(
  where: string,
  runs: { fresh: PerStep; cached: PerStep },
  baseline: Figure['baseline'],
  target: string,
): Figure[] {
  return [
    { name: `${where}, per step`, value: runs.fresh.wallMs, unit: 'ms', baseline, target },
    { name: `${where}, per step, CPU`, value: runs.fresh.cpuMs, unit: 'ms', baseline },
    { name: `${where}, cached step`, value: runs.cached.wallMs, unit: 'ms', baseline },
    { name: `${where}, cached step, CPU`, value: runs.cached.cpuMs, unit: 'ms', baseline },
  ]
}

const home = mkdtempSync(join(tmpdir(), 'lathe-bench-pipelines-'))
try {
  const floor = await floorMsPerStep()
  const baseline = { name: 'Promise.all', value: floor }
  const localConfig = loadConfig({ home: join(home, 'local') }, {}, home)
  const local = await timedRuns(localConfig, { concurrency: 8 }, () => cpuMsOf())
  const remote = await distributed(join(home, 'distributed'))
  printFigures(
    `Pipelines: ${STEPS} no-op steps (${LAYERS} layers × ${WIDTH}, two needs each); each fresh step is a tracking run` +
      (remote ? '' : '; set LATHE_TEST_POSTGRES_URL for the distributed figures'),
    [
      ...figures('in-process (SQLite, 8 at once)', local, baseline, '≤ 2 ms'),
      ...(remote
        ? figures(
            `distributed (${WORKERS} workers × ${WORKER_CONCURRENCY})`,
            remote,
            baseline,
            '≤ 20 ms',
          )
        : []),
    ],
  )
} finally {
  rmSync(home, { recursive: true, force: true })
}
