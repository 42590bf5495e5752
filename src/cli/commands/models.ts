import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { PutGates } from '../../api/contract/registry-native.js'
import {
  gateName,
  type Approval,
  type EvaluationReport,
  type ModelVersion,
} from '../../registry/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { registerLog } from './models-log.js'
import { format, formatTime, printPairs, printRows } from '../output.js'

type JsonOption = { json?: boolean }

const versionColumns = [
  { header: 'version', value: (v: ModelVersion) => v.version },
  { header: 'stage', value: (v: ModelVersion) => v.currentStage },
  { header: 'aliases', value: (v: ModelVersion) => v.aliases.join(', ') },
  { header: 'run', value: (v: ModelVersion) => v.runId },
  { header: 'source', value: (v: ModelVersion) => v.source },
  { header: 'created', value: (v: ModelVersion) => formatTime(v.creationTimestamp) },
]

const approvalColumns = [
  { header: 'id', value: (a: Approval) => a.id },
  { header: 'model', value: (a: Approval) => `${a.name} v${a.version}` },
  { header: 'alias', value: (a: Approval) => a.alias },
  { header: 'status', value: (a: Approval) => a.status },
  { header: 'requested by', value: (a: Approval) => a.requestedBy },
  { header: 'reason', value: (a: Approval) => a.reason },
  { header: 'decided by', value: (a: Approval) => a.decidedBy },
  { header: 'comment', value: (a: Approval) => a.comment },
]

/** `lathe models …`: the registry from the command line, acting as the OS user. */
export function registerModelCommands(program: Command): void {
  const models = program
    .command('models')
    .description('registered models, versions, aliases, gates and approvals')
  for (const register of [
    registerList,
    registerShow,
    registerVersions,
    registerAlias,
    registerGates,
    registerEvaluate,
    registerApprovals,
    registerDecisions,
    registerLog,
  ]) {
    register(models)
  }
}

function registerList(models: Command): void {
  models
    .command('list')
    .description('list registered models (MLflow filter grammar: name, tags.<key>)')
    .option('-f, --filter <expr>', `e.g. "name LIKE 'churn%'"`)
    .option('-n, --max <n>', 'at most this many models', '100')
    .option('--json', 'print JSON')
    .action(async (options: { filter?: string; max: string } & JsonOption, command: Command) =>
      withLathe(command, async ({ registry }) => {
        const page = await registry.models.search({
          filter: options.filter,
          maxResults: count(options.max),
        })
        printRows(
          page.items,
          [
            { header: 'name', value: (m) => m.name },
            { header: 'latest', value: (m) => m.latestVersions.at(-1)?.version },
            {
              header: 'aliases',
              value: (m) => m.aliases.map((a) => `${a.alias}→v${a.version}`).join(', '),
            },
            { header: 'updated', value: (m) => formatTime(m.lastUpdatedTimestamp) },
            { header: 'description', value: (m) => m.description },
          ],
          { json: options.json, empty: 'No registered models.' },
        )
      }),
    )
}

function registerShow(models: Command): void {
  models
    .command('show <name>')
    .description('show a registered model: description, tags, aliases, gates')
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption, command: Command) =>
      withLathe(command, async ({ registry }) => {
        const [model, policy] = await Promise.all([
          registry.models.get(name),
          registry.gates.getPolicy(name),
        ])
        if (options.json) return console.log(JSON.stringify({ ...model, policy }, null, 2))
        printPairs('registered model', [
          ['name', model.name],
          ['description', model.description],
          ['created', formatTime(model.creationTimestamp)],
          ['updated', formatTime(model.lastUpdatedTimestamp)],
          ['aliases', model.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ')],
          ['protected aliases', policy.protectedAliases.join(', ')],
          ['approval aliases', policy.approvalAliases.join(', ')],
          ['gates', policy.gates.map(gateName).join(', ')],
          ...model.tags.map((t): [string, string] => [`tag ${t.key}`, t.value]),
        ])
      }),
    )
}

function registerVersions(models: Command): void {
  models
    .command('versions <name>')
    .description('list the versions of a registered model, newest first')
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption, command: Command) =>
      withLathe(command, async ({ registry }) => {
        await registry.models.get(name)
        const filter = `name = '${name.replaceAll("'", "''")}'`
        const page = await registry.versions.search({ filter, orderBy: ['version_number DESC'] })
        printRows(page.items, versionColumns, {
          json: options.json,
          empty: `No versions of ${name}.`,
        })
      }),
    )
}

function registerAlias(models: Command): void {
  models
    .command('alias <name> <alias> <version>')
    .description('point an alias at a version (protected aliases need passing gates and approval)')
    .action(async (name: string, alias: string, version: string, _o: unknown, command: Command) =>
      withLathe(command, async ({ registry }) => {
        await registry.aliases.set(name, alias, version)
        console.log(`${name}@${alias} → version ${version}`)
      }),
    )
}

function registerGates(models: Command): void {
  models
    .command('gates <name>')
    .description('show the gates of a model, or replace them from a JSON file (--set)')
    .option('--set <file>', 'a JSON file: {"gates": [...], "protected_aliases": [...]}')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { set?: string } & JsonOption, command: Command) =>
      withLathe(command, async ({ registry }) => {
        const policy = options.set
          ? await registry.gates.setPolicy(name, PutGates.parse(await readJson(options.set)))
          : await registry.gates.getPolicy(name)
        if (options.json) return console.log(JSON.stringify(policy, null, 2))
        printRows(
          policy.gates,
          [
            { header: 'gate', value: (g) => g.kind },
            { header: 'definition', value: (g) => JSON.stringify(g) },
          ],
          { empty: 'No gates.' },
        )
        console.log(
          `protected: ${policy.protectedAliases.join(', ') || '-'}; approval: ${policy.approvalAliases.join(', ') || '-'}`,
        )
      }),
    )
}

function registerEvaluate(models: Command): void {
  models
    .command('evaluate <name> <version>')
    .description(
      'run the model’s gates on a version and store the report (exit code 1 if any fails)',
    )
    .option('--data <dataset>', 'the evaluation dataset for gates that do not name one')
    .option('--target <column>', 'the label column of the evaluation dataset')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        version: string,
        options: { data?: string; target?: string } & JsonOption,
        command: Command,
      ) =>
        withLathe(command, async ({ registry }) => {
          const { data: dataset, target } = options
          const report = await registry.gates.evaluate(name, version, { dataset, target })
          if (options.json) console.log(JSON.stringify(report, null, 2))
          else printReport(report)
          if (!report.passed) process.exitCode = 1
        }),
    )
}

function printReport(report: EvaluationReport): void {
  printRows(
    report.results,
    [
      { header: 'gate', value: (r) => r.gate },
      { header: 'result', value: (r) => (r.passed ? 'PASS' : 'FAIL') },
      { header: 'observed', value: (r) => optional(r.observed) },
      { header: 'threshold', value: (r) => optional(r.threshold) },
      { header: 'detail', value: (r) => r.detail },
    ],
    { empty: 'The model declares no gates.' },
  )
  const verdict = report.passed ? 'passed' : 'FAILED'
  console.log(`Report ${report.id}: ${report.name} v${report.version} ${verdict}`)
}

function registerApprovals(models: Command): void {
  models
    .command('request-approval <name> <version> <alias>')
    .description('ask that a version take an alias; another user approves or rejects')
    .requiredOption('--reason <text>', 'why this version should take the alias')
    .action(
      async (
        name: string,
        version: string,
        alias: string,
        options: { reason: string },
        command: Command,
      ) =>
        withLathe(command, async ({ registry }) => {
          const approval = await registry.approvals.request({ name, version, alias, ...options })
          console.log(`Approval ${approval.id} requested: ${name} v${version} → ${alias}`)
        }),
    )
  models
    .command('approvals')
    .description('list approval requests, newest first')
    .option('--name <model>', 'of this registered model')
    .option('--status <status>', 'PENDING, APPROVED or REJECTED')
    .option('--json', 'print JSON')
    .action(async (options: { name?: string; status?: string } & JsonOption, command: Command) =>
      withLathe(command, async ({ registry }) => {
        const list = await registry.approvals.list({
          name: options.name,
          status: status(options.status),
        })
        printRows(list, approvalColumns, { json: options.json, empty: 'No approval requests.' })
      }),
    )
}

function registerDecisions(models: Command): void {
  models
    .command('approve <approval-id>')
    .description('approve a request (not your own) and move its alias')
    .option('--comment <text>', 'a note for the record')
    .action(async (id: string, options: { comment?: string }, command: Command) =>
      withLathe(command, async ({ registry }) => {
        const approval = await registry.approvals.approve(id, options.comment)
        console.log(
          `Approved ${approval.id}: ${approval.name}@${approval.alias} → version ${approval.version}`,
        )
      }),
    )
  models
    .command('reject <approval-id>')
    .description('reject a request (not your own), saying why')
    .requiredOption('--comment <text>', 'why it is rejected')
    .action(async (id: string, options: { comment: string }, command: Command) =>
      withLathe(command, async ({ registry }) => {
        const approval = await registry.approvals.reject(id, options.comment)
        console.log(
          `Rejected ${approval.id}: ${approval.name} v${approval.version} → ${approval.alias}`,
        )
      }),
    )
}

function optional(value: number | null): string | undefined {
  return value === null ? undefined : format(value)
}

function count(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidParameterError(`--max must be a positive integer, got '${value}'`)
  }
  return Number(value)
}

function status(value: string | undefined): Approval['status'] | undefined {
  if (value === undefined) return undefined
  const upper = value.toUpperCase()
  if (upper === 'PENDING' || upper === 'APPROVED' || upper === 'REJECTED') return upper
  throw new InvalidParameterError(`--status must be PENDING, APPROVED or REJECTED, got '${value}'`)
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown
  } catch (err) {
    throw new InvalidParameterError(`Cannot read gates from ${path}: ${(err as Error).message}`)
  }
}
