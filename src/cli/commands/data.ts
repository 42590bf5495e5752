import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import {
  loadContractFile,
  parseFormat,
  type Contract,
  type DatasetVersion,
  type JsonValue,
  type StoredValidationReport,
} from '../../data/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { format, formatTime, printPairs, printRows } from '../output.js'
import { dataArgument, registerAnalysisCommands } from './data-analysis.js'
import { formatTags, registerTagCommand } from './data-tags.js'

/** A contract file when one exists at `arg`, else a stored contract reference. */
async function contractArgument(arg: string): Promise<string | Contract> {
  return existsSync(arg) ? loadContractFile(arg) : arg
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidParameterError(`${flag} must be a whole number, got '${text}'`)
  return n
}

/** `lathe data …`: dataset versions, validation, profiles and drift. */
export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description('datasets: versions, validation, profiles, drift')
  data
    .command('add <file>')
    .description('store a file (CSV, Parquet, JSON Lines, Arrow) as a version of a dataset')
    .requiredOption('-n, --name <name>', 'dataset name')
    .option('-f, --format <format>', 'csv, parquet, jsonl or arrow (default: from the file)')
    .option('-a, --alias <alias>', 'point this alias at the version (e.g. golden)')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        options: { name: string; format?: string; alias?: string; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          const format = options.format === undefined ? undefined : parseFormat(options.format)
          const { version, created } = await lathe.data.datasets.add(file, {
            name: options.name,
            format,
          })
          if (options.alias)
            await lathe.data.datasets.setAlias(version.name, options.alias, version.version)
          const shown = options.alias
            ? await lathe.data.datasets.get(`${version.name}:${version.version}`)
            : version
          if (options.json) return console.log(JSON.stringify({ ...shown, created }, null, 2))
          console.log(
            created
              ? `Added ${shown.name}:${shown.version}`
              : `Unchanged: the same content is ${shown.name}:${shown.version}`,
          )
          printVersion(shown)
        }),
    )
  registerListCommands(data)
  registerAliasAndValidateCommands(data)
  registerTagCommand(data)
  registerRunInputCommands(data)
  registerAnalysisCommands(data)
}

function registerListCommands(data: Command): void {
  data
    .command('list')
    .description('list datasets with their latest version')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        printRows(
          await lathe.data.datasets.list(),
          [
            { header: 'name', value: (d) => d.name },
            { header: 'latest', value: (d) => d.latestVersion },
            { header: 'versions', value: (d) => d.versionCount },
            { header: 'updated', value: (d) => formatTime(d.updatedAtMs) },
          ],
          { json: options.json, empty: 'No datasets yet: lathe data add FILE --name NAME' },
        )
      }),
    )
  data
    .command('versions <name>')
    .description('list the versions of a dataset, newest first')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        printRows(
          await lathe.data.datasets.versions(name),
          [
            { header: 'version', value: (v) => v.version },
            { header: 'aliases', value: (v) => v.aliases.join(', ') },
            { header: 'tags', value: (v) => formatTags(v.tags) },
            { header: 'rows', value: (v) => v.rowCount },
            { header: 'format', value: (v) => v.format },
            { header: 'digest', value: (v) => v.digest.slice(0, 12) },
            { header: 'created', value: (v) => formatTime(v.createdAtMs) },
            { header: 'source', value: (v) => v.source },
          ],
          { json: options.json, empty: 'No versions.' },
        )
      }),
    )
  data
    .command('show <ref>')
    .description('show one version (name, name:3, name@golden): schema and where it came from')
    .option('--json', 'print JSON (with the profile)')
    .action(async (ref: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const version = await lathe.data.datasets.get(ref)
        if (options.json) return console.log(JSON.stringify(version, null, 2))
        printVersion(version)
      }),
    )
}

function registerAliasAndValidateCommands(data: Command): void {
  data
    .command('alias <name> <alias> [version]')
    .description('point ALIAS of dataset NAME at VERSION, or remove it with --delete')
    .option('-d, --delete', 'remove the alias')
    .action(
      async (
        name: string,
        alias: string,
        version: string | undefined,
        options: { delete?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          if (options.delete) {
            await lathe.data.datasets.deleteAlias(name, alias)
            return console.log(`Removed ${name}@${alias}`)
          }
          if (version === undefined)
            throw new InvalidParameterError('Give the VERSION the alias points at, or --delete')
          await lathe.data.datasets.setAlias(name, alias, positiveInt(version, 'VERSION'))
          console.log(`${name}@${alias} -> ${name}:${version}`)
        }),
    )
  data
    .command('validate <data>')
    .description(
      'check a file or dataset version against a contract; exits 1 when any expectation fails',
    )
    .requiredOption(
      '-c, --contract <contract>',
      'stored contract (name or name:version) or a contract file',
    )
    .option('-n, --max-examples <n>', 'failing rows to show per expectation', '5')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        arg: string,
        options: { contract: string; maxExamples: string; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          const report = await lathe.data.validation.validate({
            data: dataArgument(arg),
            contract: await contractArgument(options.contract),
            maxExamples: positiveInt(options.maxExamples, '--max-examples'),
          })
          if (!report.success) process.exitCode = 1
          if (options.json) return console.log(JSON.stringify(report, null, 2))
          printReport(report)
        }),
    )
}

function registerRunInputCommands(data: Command): void {
  data
    .command('log-input <run-id> <ref>')
    .description('log a dataset version as an input of a tracking run (MLflow log-inputs)')
    .option('--context <context>', 'what the run used it for', 'training')
    .action(async (runId: string, ref: string, options: { context: string }, command: Command) =>
      withLathe(command, async (lathe) => {
        const version = await lathe.data.runs.logInput(runId, ref, options.context)
        console.log(`Run ${runId} read ${version.name}:${version.version} (${options.context})`)
      }),
    )
  data
    .command('inputs <run-id>')
    .description('which dataset versions a run read (e.g. which data trained it)')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        printRows(
          await lathe.data.runs.inputsOf(runId),
          [
            { header: 'context', value: (i) => i.context },
            { header: 'dataset', value: (i) => `${i.version.name}:${i.version.version}` },
            { header: 'rows', value: (i) => i.version.rowCount },
            { header: 'digest', value: (i) => i.version.digest.slice(0, 12) },
            { header: 'source', value: (i) => i.version.source },
          ],
          { json: options.json, empty: `Run ${runId} logged no stored dataset version.` },
        )
      }),
    )
}

function printVersion(v: DatasetVersion): void {
  printPairs(`${v.name}:${v.version}`, [
    ['id', v.id],
    ['aliases', v.aliases.join(', ')],
    ['tags', formatTags(v.tags)],
    ['rows', v.rowCount],
    ['format', v.format],
    ['size (bytes)', v.sizeBytes],
    ['sha256', v.digest],
    ['source', v.source],
    ['created', `${formatTime(v.createdAtMs)} by ${v.createdBy}`],
  ])
  printRows(
    v.schema,
    [
      { header: 'column', value: (c) => c.name },
      { header: 'type', value: (c) => c.type },
      { header: 'read as', value: (c) => c.sourceType },
    ],
    { empty: 'No columns.' },
  )
}

/** A validation report for people: one line per expectation, then examples of failures. */
export function printReport(report: StoredValidationReport): void {
  printRows(
    report.results,
    [
      { header: '', value: (r) => (r.success ? 'pass' : 'FAIL') },
      { header: 'expectation', value: (r) => r.expectation },
      { header: 'check', value: (r) => r.description },
      { header: 'observed', value: (r) => cell(r.observed) },
    ],
    { empty: 'The contract has no expectations.' },
  )
  for (const r of report.results.filter((x) => !x.success && x.examples.length > 0)) {
    console.log(`\nExamples failing "${r.description}":`)
    const columns = Object.keys(r.examples[0] ?? {})
    printRows(
      r.examples,
      columns.map((c) => ({
        header: c,
        value: (row: Record<string, JsonValue>) => cell(row[c] ?? null),
      })),
      { empty: '' },
    )
  }
  const { evaluated, failed } = report.statistics
  const contract = `${report.contract.name}${report.contract.version === null ? ' (from file)' : `:${report.contract.version}`}`
  const verdict = report.success ? 'PASSED' : `FAILED: ${failed} of ${evaluated} expectations`
  console.log(
    `\n${verdict} — ${report.dataset.source} (${report.dataset.rowCount} rows) against ${contract}; report ${report.id}`,
  )
}

function cell(value: JsonValue): string {
  if (value === null) return ''
  return typeof value === 'string' || typeof value === 'number'
    ? format(value)
    : JSON.stringify(value)
}
