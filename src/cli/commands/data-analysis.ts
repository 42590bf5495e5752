import type { Command } from 'commander'
import { writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import {
  driftHtml,
  formatOfPath,
  profileHtml,
  summarizeColumn,
  type DataInput,
  type DriftReport,
  type DatasetProfile,
  type JsonValue,
} from '../../data/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { format, formatTime, printRows } from '../output.js'

/**
 * A file in the artifact store (`mlflow-artifacts:/…`), a local file (it exists, or looks like a
 * path or a data file name), or else a stored version reference.
 */
export function dataArgument(arg: string): DataInput {
  if (arg.startsWith('mlflow-artifacts:')) return { artifact: arg }
  if (existsSync(arg) || /[\\/]/.test(arg) || formatOfPath(arg)) return { path: arg }
  return { ref: arg }
}

const TESTS = ['ks', 'chisquare', 'z', 'psi', 'jensenshannon', 'wasserstein'] as const

interface DriftFlags {
  json?: boolean
  html?: string
  test?: string
  threshold?: string
  columns?: string
  driftShare: string
}

/** `lathe data profile` and `lathe data drift`: tables, JSON, or an HTML report with plots. */
export function registerAnalysisCommands(data: Command): void {
  data
    .command('profile <data>')
    .description(
      'profile a file or dataset version: nulls, distinct values, range, quantiles, top values',
    )
    .option('--json', 'print the profile as JSON')
    .option('--html <file>', 'also write an HTML report with a plot per column')
    .action(async (arg: string, options: { json?: boolean; html?: string }, command: Command) =>
      withLathe(command, async (lathe) => {
        const { data: side, profile } = await lathe.data.profiles.profile(dataArgument(arg))
        if (options.html) await writeFile(options.html, profileHtml(profile, side.source))
        if (options.json) return console.log(JSON.stringify({ data: side, profile }, null, 2))
        printProfile(profile)
        console.log(`${side.source}: ${profile.rowCount} rows, ${profile.columns.length} columns`)
        if (options.html) console.log(`Wrote ${options.html}`)
      }),
    )
  data
    .command('drift <reference> <current>')
    .description(
      'test every column of CURRENT for drift from REFERENCE (files or dataset versions)',
    )
    .option(
      '--test <name>',
      `one test for every column: ${TESTS.join(', ')} (default: per column, as Evidently picks)`,
    )
    .option('--threshold <x>', "the test's threshold (default: the test's own)")
    .option('--columns <names>', 'comma-separated columns to test (default: all shared)')
    .option('--drift-share <x>', 'share of drifted columns that means dataset drift', '0.5')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write an HTML report with histogram overlays per column')
    .action(async (reference: string, current: string, options: DriftFlags, command: Command) =>
      withLathe(command, async (lathe) => {
        const { report, profiles } = await lathe.data.drift.run(
          dataArgument(reference),
          dataArgument(current),
          driftOptions(options),
        )
        if (options.html) await writeFile(options.html, driftHtml(report, profiles))
        if (options.json) return console.log(JSON.stringify(report, null, 2))
        printDrift(report)
        console.log(`Stored as drift report ${report.id} (lathe data drift-reports)`)
        if (options.html) console.log(`Wrote ${options.html}`)
      }),
    )
  registerDriftReportCommands(data)
  registerHeadCommand(data)
}

/** `lathe data head DATA [-n ROWS] [--columns A,B]`: the first rows, read as a stream. */
function registerHeadCommand(data: Command): void {
  data
    .command('head <data>')
    .description('print the first rows of a file or dataset version, typed as Lathe reads them')
    .option('-n, --rows <n>', 'how many rows', '10')
    .option('--columns <names>', 'comma-separated columns (default: all)')
    .option('--json', 'print the rows as JSON')
    .action(
      async (
        arg: string,
        options: { rows: string; columns?: string; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          const rows = Number(options.rows)
          if (!Number.isInteger(rows) || rows < 1)
            throw new InvalidParameterError(
              `--rows must be a positive integer, got '${options.rows}'`,
            )
          const columns = options.columns?.split(',').map((c) => c.trim())
          const scan = lathe.data.reader.scan(dataArgument(arg), { batchRows: rows, columns })
          // The first batch is all we print: stopping here ends the scan and removes any copy.
          const first = await scan.next()
          await scan.return(undefined)
          const batch = first.done ? undefined : first.value
          const names = batch?.columns.map((c) => c.name) ?? []
          printRows(
            batch?.rows ?? [],
            names.map((name) => ({ header: name, value: (r) => cellOf(r[name]) })),
            { json: options.json, empty: 'No rows.' },
          )
        }),
    )
}

function cellOf(value: JsonValue | undefined): string | number | undefined {
  if (value === null) return 'null'
  return typeof value === 'object' || typeof value === 'boolean' ? JSON.stringify(value) : value
}

/** `lathe data drift-reports [--dataset REF]` and `lathe data drift-report ID`. */
function registerDriftReportCommands(data: Command): void {
  data
    .command('drift-reports')
    .description('list stored drift reports, newest first')
    .option('--dataset <ref>', 'only reports with this version (name:3, name@golden) on a side')
    .option('-n, --max-results <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(
      async (options: { dataset?: string; maxResults: string; json?: boolean }, command: Command) =>
        withLathe(command, async (lathe) => {
          const limit = Number(options.maxResults)
          if (!Number.isInteger(limit) || limit < 1)
            throw new InvalidParameterError(
              `--max-results must be a positive integer, got '${options.maxResults}'`,
            )
          const version = options.dataset ? await lathe.data.datasets.get(options.dataset) : null
          const reports = await lathe.data.drift.list({ datasetVersionId: version?.id, limit })
          printRows(
            reports,
            [
              { header: 'id', value: (r) => r.id },
              { header: 'created', value: (r) => formatTime(r.createdAtMs) },
              { header: 'reference', value: (r) => r.reference.source },
              { header: 'current', value: (r) => r.current.source },
              { header: 'drift', value: (r) => (r.dataset.isDrifted ? 'DRIFT' : 'no') },
              {
                header: 'drifted',
                value: (r) => `${r.dataset.driftedCount}/${r.dataset.columnCount}`,
              },
            ],
            { json: options.json, empty: 'No drift reports yet: lathe data drift REF CUR' },
          )
        }),
    )
  data
    .command('drift-report <id>')
    .description('show a stored drift report')
    .option('--json', 'print the report as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const report = await lathe.data.drift.get(id)
        if (options.json) return console.log(JSON.stringify(report, null, 2))
        printDrift(report)
        console.log(`Compared ${formatTime(report.createdAtMs)} by ${report.createdBy}`)
      }),
    )
}

function driftOptions(flags: DriftFlags) {
  const test = flags.test === undefined ? undefined : TESTS.find((t) => t === flags.test)
  if (flags.test !== undefined && test === undefined) {
    throw new InvalidParameterError(
      `Unknown drift test '${flags.test}'; allowed: ${TESTS.join(', ')}`,
    )
  }
  const number = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined
    const value = Number(text)
    if (!Number.isFinite(value))
      throw new InvalidParameterError(`${flag} must be a number, got '${text}'`)
    return value
  }
  const driftShare = number(flags.driftShare, '--drift-share') ?? 0.5
  if (driftShare < 0 || driftShare > 1)
    throw new InvalidParameterError('--drift-share must be in [0, 1]')
  return {
    test,
    threshold: number(flags.threshold, '--threshold'),
    columns: flags.columns
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    driftShare,
  }
}

function printProfile(profile: DatasetProfile): void {
  const rows = profile.columns.map((c) => ({ column: c, s: summarizeColumn(c, profile.rowCount) }))
  printRows(
    rows,
    [
      { header: 'column', value: (r) => r.column.name },
      { header: 'type', value: (r) => r.column.type },
      { header: 'nulls', value: (r) => r.s.nullFraction },
      { header: 'distinct', value: (r) => r.s.distinct },
      { header: 'min', value: (r) => r.s.min },
      { header: 'median', value: (r) => r.s.p50 },
      { header: 'max', value: (r) => r.s.max },
      { header: 'mean', value: (r) => r.s.mean },
      { header: 'std', value: (r) => r.s.std },
      { header: 'top / notes', value: (r) => r.s.top },
    ],
    { empty: 'No columns.' },
  )
}

function printDrift(report: DriftReport): void {
  printRows(
    report.columns,
    [
      { header: 'column', value: (c) => c.name },
      { header: 'kind', value: (c) => c.kind },
      {
        header: 'drift',
        value: (c) => (c.result ? (c.result.isDrifted ? 'DRIFT' : 'no') : 'skipped'),
      },
      { header: 'test', value: (c) => c.result?.test ?? c.skipped },
      { header: 'score', value: (c) => c.result?.score },
      { header: 'threshold', value: (c) => c.result?.threshold },
    ],
    { empty: 'No columns to compare.' },
  )
  const d = report.dataset
  const verdict = d.isDrifted ? 'DATASET DRIFT' : 'No dataset drift'
  console.log(
    `${verdict}: ${d.driftedCount} of ${d.columnCount} columns drifted (share ${format(d.driftedShare)}, threshold ${format(d.driftShare)}); ` +
      `${report.reference.source} (${report.reference.rowCount} rows) -> ${report.current.source} (${report.current.rowCount} rows)`,
  )
}
