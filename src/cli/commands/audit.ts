import type { Command } from 'commander'
import type { AuditEntry, AuditFilter, AuditVerification } from '../../governance/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { formatTime, printRows } from '../output.js'

interface LogOptions {
  model?: string
  run?: string
  subject?: string[]
  user?: string
  type?: string[]
  max: string
  json?: boolean
}

/** `lathe audit verify` and `lathe audit log`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log of every change')
  registerVerify(audit)
  registerLog(audit)
}

function registerVerify(audit: Command): void {
  audit
    .command('verify')
    .description('check that no audit entry was edited, deleted or reordered (exit code 1 if so)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const result = await lathe.audit.verify()
        if (options.json) console.log(JSON.stringify(result, null, 2))
        else printVerification(result)
        if (!result.isValid) process.exitCode = 1
      }),
    )
}

function registerLog(audit: Command): void {
  audit
    .command('log')
    .description('show who changed what and when, newest first')
    .option('--model <name>', 'changes to this registered model and its versions')
    .option('--run <id>', 'changes to this run')
    .option('--subject <kind:id...>', 'changes to these objects, e.g. experiment:3')
    .option('--user <name>', 'changes made by this user')
    .option('--type <type...>', 'only these actions, e.g. run.updated')
    .option('-n, --max <n>', 'at most this many entries', '50')
    .option('--json', 'print JSON')
    .action(async (options: LogOptions, command: Command) =>
      withLathe(command, async (lathe) => {
        await lathe.audit.drain()
        const page = await lathe.audit.list(logFilter(options))
        printRows(
          page.entries,
          [
            { header: 'seq', value: (e) => e.seq },
            { header: 'time', value: (e) => formatTime(e.atMs) },
            { header: 'user', value: (e) => e.actor },
            { header: 'action', value: (e) => e.type },
            { header: 'object', value: (e) => e.subject },
            { header: 'change', value: describeChange },
          ],
          { json: options.json, empty: 'No audit entries match.' },
        )
      }),
    )
}

function logFilter(options: LogOptions): AuditFilter {
  const max = Number(options.max)
  if (!Number.isInteger(max) || max < 1 || max > 10_000) {
    throw new InvalidParameterError(
      `--max must be an integer from 1 to 10000, got '${options.max}'`,
    )
  }
  const subjects = [...(options.subject ?? [])]
  const subjectPrefixes: string[] = []
  if (options.run) subjects.push(`run:${options.run}`)
  if (options.model) {
    // The registry names its objects registered_model:NAME and model_version:NAME/VERSION.
    subjects.push(`registered_model:${options.model}`)
    subjectPrefixes.push(`model_version:${options.model}/`)
  }
  return { actor: options.user, types: options.type, subjects, subjectPrefixes, limit: max }
}

/** `status: RUNNING → FINISHED`, one field after another, cut to fit a table cell. */
export function describeChange({ before, after }: Pick<AuditEntry, 'before' | 'after'>): string {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  const show = (value: unknown) => (value === undefined ? '∅' : JSON.stringify(value))
  const parts = keys.map((key) => {
    if (!before) return `${key}=${show(after?.[key])}`
    if (!after) return `-${key}=${show(before[key])}`
    return `${key}: ${show(before[key])} → ${show(after[key])}`
  })
  const text = parts.join(', ')
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function printVerification(result: AuditVerification): void {
  const summary = `${result.entries} entries, ${result.eventsChecked} events checked, head #${result.head.seq} ${result.head.hash.slice(0, 12)}`
  if (result.isValid) {
    const pending = result.pendingEvents ? `; ${result.pendingEvents} late events pending` : ''
    console.log(`Audit log intact: ${summary}${pending}`)
    return
  }
  console.log(`Audit log BROKEN: ${result.problemCount} problem(s); ${summary}`)
  for (const problem of result.problems) console.log(`  [${problem.reason}] ${problem.message}`)
  if (result.problemCount > result.problems.length) {
    console.log(`  … and ${result.problemCount - result.problems.length} more`)
  }
}
