/**
 * `npm run bench -- data`: validate, profile and drift on generated data, 1,000,000 rows × 20
 * numerical and 5 categorical columns, each phase in a child process of its own so that its peak
 * memory (max RSS) is its own. Baseline: the same drift statistics computed by numpy/scipy
 * (bench/data-baseline.py) on the same columns, in the same run (only ratios compare across
 * machines and loads; CPU times are printed too). `-- data --exact` adds drift on every value.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../src/config.js'
import { column, defineContract } from '../src/data/index.js'
import { DataSession } from '../src/data/data-session.js'
import { driftProfiles } from '../src/data/drift/drift-profiles.js'
import { doubleBatches } from '../src/data/profile/double-columns.js'
import { writeQuery } from '../src/data/write-query.js'
import { openLathe } from '../src/main.js'
import { printFigures, type Figure } from './support/report.js'

const ROWS = 1_000_000
const NUMERIC = Array.from({ length: 20 }, (_, i) => `f${i + 1}`)
const CATEGORICAL = Array.from({ length: 5 }, (_, i) => `c${i + 1}`)
const PYTHON = '/usr/bin/python3' // Debian's numpy/scipy install for this interpreter only

/** 20 numbers (normal, uniform, exponential; 1% nulls in some) and 5 categories A–E. */
function generator(drifted: boolean): string {
  const shift = drifted ? 0.2 : 0 // in standard deviations: Wasserstein-normed ≈ 0.2 ≥ 0.1
  const numbers = NUMERIC.map((name, i) => {
    const normal = 'sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())'
    const moved = i < 5 ? shift : 0
    const value =
      i < 7
        ? `${10 * (i + 1)} + ${i + 1} * (${normal} + ${moved})`
        : i < 14
          ? `random() * ${i} + ${moved * i * 0.29}`
          : `-ln(1 - random()) * ${i - 13} + ${moved * (i - 13)}`
    return i % 4 === 3
      ? `CASE WHEN random() < 0.01 THEN NULL ELSE ${value} END AS ${name}`
      : `${value} AS ${name}`
  })
  const categories = CATEGORICAL.map((name, i) =>
    drifted && i === 0
      ? `CASE WHEN random() < 0.45 THEN 'A' ELSE ['B', 'C', 'D', 'E'][1 + floor(random() * 4)::INT] END AS ${name}`
      : `['A', 'B', 'C', 'D', 'E'][1 + floor(random() * 5)::INT] AS ${name}`,
  )
  return `SELECT ${[...numbers, ...categories].join(', ')} FROM range(${ROWS})`
}

const contract = (() => {
  let c = defineContract('bench')
  NUMERIC.forEach((name, i) => {
    const spec = column.float().maxNullFraction(0.05).range(-1e6, 1e6).mean({ min: -1e3, max: 1e3 })
    c = c.column(name, i === 0 ? spec.unique().quantile(0.5, { min: 0, max: 100 }) : spec)
  })
  CATEGORICAL.forEach(
    (name) => (c = c.column(name, column.category(['A', 'B', 'C', 'D', 'E']).notNull())),
  )
  return c.rowCount({ min: ROWS }).build()
})()

/** Runs one phase in this process and prints its figures as JSON (the child side). */
async function runPhase(phase: string, dir: string): Promise<void> {
  const reference = join(dir, 'reference.parquet')
  const current = join(dir, 'current.parquet')
  const lathe = await openLathe(loadConfig({ home: join(dir, `home-${phase}`) }, {}, dir))
  const out: Record<string, unknown> = {}
  const start = performance.now()
  const cpu = process.cpuUsage()
  if (phase === 'validate') {
    const report = await lathe.data.validation.validate({ data: { path: reference }, contract })
    out.expectations = report.statistics.evaluated
  } else if (phase === 'profile') {
    await lathe.data.profiles.profile({ path: reference })
  } else if (phase === 'drift-stored') {
    // The monitoring case: the reference is a stored version whose profile was kept when it was
    // added (setup, not timed), so only the current file is read.
    await lathe.data.datasets.add(reference, { name: 'reference' })
    const timed = performance.now()
    await lathe.data.profiles.drift({ ref: 'reference' }, { path: current })
    out.seconds = (performance.now() - timed) / 1000
  } else {
    const exact = phase === 'drift-exact'
    const options = exact ? { maxExactValues: Infinity } : {}
    const { report, profiles } = await lathe.data.profiles.drift(
      { path: reference },
      { path: current },
      options,
    )
    out.scores = Object.fromEntries(report.columns.map((c) => [c.name, c.result?.score ?? null]))
    out.drifted = report.dataset.driftedCount
    const testsStart = performance.now()
    driftProfiles(profiles.reference, profiles.current)
    out.testsSeconds = (performance.now() - testsStart) / 1000
  }
  out.seconds ??= (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  out.cpuSeconds = (used.user + used.system) / 1e6
  await lathe.close()
  out.maxRssBytes = process.resourceUsage().maxRSS * 1024
  console.log(JSON.stringify(out))
}

function child(phase: string, dir: string): Record<string, unknown> {
  const script = fileURLToPath(import.meta.url)
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, script, '--phase', phase, '--dir', dir],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  )
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as Record<string, unknown>
}

/** Writes each column of both files as raw float64 (categories as codes 0–4) for numpy. */
async function exportColumns(dir: string): Promise<void> {
  const session = await DataSession.open()
  try {
    for (const side of ['reference', 'current']) {
      const table = await session.register(side, join(dir, `${side}.parquet`))
      const names = [...NUMERIC, ...CATEGORICAL]
      const select = [
        ...NUMERIC.map((n) => `coalesce(${n}::DOUBLE, 'NaN'::DOUBLE)`),
        ...CATEGORICAL.map((n) => `(ascii(${n}) - 65)::DOUBLE`),
      ]
      const files = names.map((n) => openSync(join(dir, `${side}-${n}.f64`), 'w'))
      for await (const batch of doubleBatches(
        session,
        `SELECT ${select.join(', ')} FROM ${table.view}`,
        names.length,
      )) {
        batch.forEach((values, k) =>
          writeSync(
            files[k] ?? -1,
            Buffer.from(values.buffer, values.byteOffset, values.byteLength),
          ),
        )
      }
      files.forEach((fd) => closeSync(fd))
    }
  } finally {
    await session.close()
  }
}

/** Makes sure Debian's numpy and scipy are there; false when they cannot be had. */
function havePython(): boolean {
  const check = () =>
    spawnSync(PYTHON, ['-c', 'import numpy, scipy'], { stdio: 'ignore' }).status === 0
  if (check()) return true
  console.log('Installing python3-numpy and python3-scipy from apt for the baseline...')
  const apt = (args: string[]) =>
    spawnSync('apt-get', args, {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  if (apt(['install', '-y', 'python3-numpy', 'python3-scipy']).status !== 0) {
    apt(['update'])
    apt(['install', '-y', 'python3-numpy', 'python3-scipy'])
  }
  return check()
}

function maxDifference(
  a: Record<string, unknown>,
  b: Record<string, number>,
  names: string[],
): number {
  return Math.max(...names.map((n) => Math.abs(Number(a[n]) - (b[n] ?? Number.NaN))))
}

type Phase = Record<string, unknown>
type Baseline = { seconds: number; scores: Record<string, number> }

/** numpy/scipy on the same columns, or undefined when Debian's python packages cannot be had. */
async function runBaseline(dir: string): Promise<Baseline | undefined> {
  if (!havePython()) {
    console.log(`No baseline: ${PYTHON} with numpy and scipy is not available.`)
    return undefined
  }
  await exportColumns(dir)
  const script = join(fileURLToPath(new URL('.', import.meta.url)), 'data-baseline.py')
  const args = [script, dir, NUMERIC.join(','), CATEGORICAL.join(',')]
  return JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' })) as Baseline
}

function figuresOf(
  phases: Record<string, Phase | undefined>,
  baseline: Baseline | undefined,
): Figure[] {
  const { validate = {}, profile = {}, drift = {}, stored = {}, exact } = phases
  const scipy = baseline
    ? { name: 'numpy/scipy statistics only', value: baseline.seconds }
    : undefined
  const s = (p: Phase, key = 'seconds') => Number(p[key])
  const mib = (p: Phase) => Number(p.maxRssBytes) / 2 ** 20
  const figures: Figure[] = [
    {
      name: `validate 1M×25 (${String(validate.expectations)} expectations)`,
      value: s(validate),
      unit: 's',
    },
    { name: 'validate peak memory (max RSS)', value: mib(validate), unit: 'MiB' },
    { name: 'profile 1M×25', value: s(profile), unit: 's' },
    { name: 'profile CPU time (all threads)', value: s(profile, 'cpuSeconds'), unit: 's' },
    { name: 'profile peak memory (max RSS)', value: mib(profile), unit: 'MiB' },
    {
      name: 'drift, all 25 columns (profiles both sides + tests)',
      value: s(drift),
      unit: 's',
      baseline: scipy,
      target: '≤ 3 s',
    },
    { name: 'drift, both files: CPU time (all threads)', value: s(drift, 'cpuSeconds'), unit: 's' },
    {
      name: 'drift, stored reference version vs current file',
      value: s(stored),
      unit: 's',
      baseline: scipy,
      target: '≤ 3 s',
    },
    {
      name: 'drift tests alone, from the two profiles',
      value: s(drift, 'testsSeconds'),
      unit: 's',
      baseline: scipy,
    },
    { name: 'drift peak memory (max RSS)', value: mib(drift), unit: 'MiB', target: '≤ 1024 MiB' },
  ]
  if (exact) {
    figures.push({
      name: 'drift on every value (--exact)',
      value: s(exact),
      unit: 's',
      baseline: scipy,
    })
    figures.push({ name: 'drift --exact peak memory (max RSS)', value: mib(exact), unit: 'MiB' })
  }
  return figures
}

function printAgreement(drift: Phase, exact: Phase | undefined, baseline: Baseline): void {
  const scores = drift.scores as Record<string, unknown>
  const gap = (names: string[], from = scores) =>
    maxDifference(from, baseline.scores, names).toExponential(2)
  console.log(`Drifted columns: ${String(drift.drifted)} of 25 (f1–f5 and c1 were moved).`)
  console.log(
    `Largest score difference from scipy: numerical ${gap(NUMERIC)} (Wasserstein normed, sketch), categorical ${gap(CATEGORICAL)} (Jensen-Shannon)`,
  )
  if (exact)
    console.log(`With --exact: numerical ${gap(NUMERIC, exact.scores as Record<string, unknown>)}`)
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-bench-data-'))
  try {
    const start = performance.now()
    await writeQuery(generator(false), join(dir, 'reference.parquet'), 'parquet', [
      'SELECT setseed(0.42)',
    ])
    await writeQuery(generator(true), join(dir, 'current.parquet'), 'parquet', [
      'SELECT setseed(0.43)',
    ])
    const seconds = ((performance.now() - start) / 1000).toFixed(1)
    console.log(`Generated 2 × ${ROWS.toLocaleString('en-US')} rows × 25 columns in ${seconds} s`)
    const phases = {
      validate: child('validate', dir),
      profile: child('profile', dir),
      drift: child('drift', dir),
      stored: child('drift-stored', dir),
      exact: process.argv.includes('--exact') ? child('drift-exact', dir) : undefined,
    }
    const baseline = await runBaseline(dir)
    const title =
      'Data: validate, profile, drift on 1,000,000 rows × (20 numerical + 5 categorical)'
    printFigures(title, figuresOf(phases, baseline))
    if (baseline) printAgreement(phases.drift, phases.exact, baseline)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const phaseAt = process.argv.indexOf('--phase')
if (phaseAt >= 0)
  await runPhase(
    process.argv[phaseAt + 1] ?? '',
    process.argv[process.argv.indexOf('--dir') + 1] ?? '',
  )
else await main()
