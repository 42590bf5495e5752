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
} from '../../data/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { format, printRows } from '../output.js'

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
        const { report, profiles } = await lathe.data.profiles.drift(
          dataArgument(reference),
          dataArgument(current),
          driftOptions(options),
        )
        if (options.html) await writeFile(options.html, driftHtml(report, profiles))
        if (options.json) return console.log(JSON.stringify(report, null, 2))
        printDrift(report)
        if (options.html) console.log(`Wrote ${options.html}`)
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
