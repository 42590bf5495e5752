import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { stringify } from 'yaml'
import { loadContractFile, type Contract, type Data } from '../../data/index.js'
import { withLathe } from '../context.js'
import { format, formatTime, printRows } from '../output.js'

/** A stored contract (`name`, `name:2`) or, when such a file exists, a contract file. */
async function contractOf(data: Data, arg: string): Promise<Contract> {
  if (existsSync(arg)) return loadContractFile(arg)
  return (await data.contracts.get(arg)).contract
}

/** `lathe contracts …`: register, list, show and diff data contracts. */
export function registerContractCommands(program: Command): void {
  const contracts = program
    .command('contracts')
    .description('data contracts: schema + expectations, versioned')
  contracts
    .command('add <file>')
    .description('register a contract file (YAML, JSON, or a .ts/.js module exporting a builder)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async ({ data }) => {
        const { contract, created } = await data.contracts.register(await loadContractFile(file))
        if (options.json) return console.log(JSON.stringify({ ...contract, created }, null, 2))
        const what = created ? 'registered as' : 'unchanged: already'
        console.log(
          `Contract '${contract.name}' ${what} version ${contract.version} (${contract.hash.slice(0, 12)})`,
        )
      }),
    )
  contracts
    .command('list')
    .description('list contracts with their latest version')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) =>
      withLathe(command, async ({ data }) => {
        printRows(
          await data.contracts.list(),
          [
            { header: 'name', value: (c) => c.name },
            { header: 'latest', value: (c) => c.latestVersion },
            { header: 'updated', value: (c) => formatTime(c.updatedAtMs) },
          ],
          { json: options.json, empty: 'No contracts yet: lathe contracts add FILE' },
        )
      }),
    )
  registerReadCommands(contracts)
}

/** `show` and `diff`. */
function registerReadCommands(contracts: Command): void {
  contracts
    .command('show <ref>')
    .description('print a stored contract (name or name:version) as YAML')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async ({ data }) => {
        const stored = await data.contracts.get(ref)
        if (options.json) return console.log(JSON.stringify(stored, null, 2))
        console.log(
          `# ${stored.name} version ${stored.version}, ${formatTime(stored.createdAtMs)} by ${stored.createdBy}`,
        )
        console.log(stringify(stored.contract).trimEnd())
      }),
    )
  contracts
    .command('diff <before> <after>')
    .description(
      'what changed between two contracts (stored refs or files); exits 1 when a change is breaking',
    )
    .option('--json', 'print JSON')
    .action(async (before: string, after: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async ({ data }) => {
        const diff = await data.contracts.diff(
          await contractOf(data, before),
          await contractOf(data, after),
        )
        if (diff.isBreaking) process.exitCode = 1
        if (options.json) return console.log(JSON.stringify(diff, null, 2))
        printRows(
          diff.changes,
          [
            { header: '', value: (c) => (c.breaking ? 'BREAKING' : 'ok') },
            { header: 'path', value: (c) => c.path },
            { header: 'change', value: (c) => c.change },
            { header: 'from', value: (c) => show(c.from) },
            { header: 'to', value: (c) => show(c.to) },
            { header: 'why', value: (c) => c.reason },
          ],
          { empty: 'No changes.' },
        )
        const breaking = diff.changes.filter((c) => c.breaking).length
        if (diff.changes.length > 0)
          console.log(breaking ? `${breaking} breaking change(s).` : 'No breaking changes.')
      }),
    )
}

function show(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' || typeof value === 'number'
    ? format(value)
    : JSON.stringify(value)
}
