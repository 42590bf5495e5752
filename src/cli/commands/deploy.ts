import type { Command } from 'commander'
import type { ConfigPatch, Deployment, PiiAction, Release, Strategy } from '../../serving/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { formatTime, printPairs, printRows, type Column } from '../output.js'

type Kind = 'number' | 'numbers' | 'text' | 'pii' | readonly string[]

/** Configuration flags (create and update take them all): flag, help, `section.key`, kind. */
const FLAGS: readonly [flag: string, help: string, path: string, kind: Kind][] = [
  ['steps <weights>', 'canary ramp in percent: 5,25,50,100', 'canary.steps', 'numbers'],
  ['step-seconds <s>', 'how long each canary step holds', 'canary.stepSeconds', 'number'],
  ['sticky-header <name>', 'header pinning a caller to a version', 'canary.stickyHeader', 'text'],
  ['sticky-field <name>', 'field pinning a caller to a version', 'canary.stickyField', 'text'],
  ['shadow-sample <rate>', 'share of requests copied, 0..1', 'shadow.sampleRate', 'number'],
  ['shadow-timeout-ms <ms>', 'give up on a shadow call after', 'shadow.timeoutMs', 'number'],
  ['max-error-rate <rate>', 'SLO: candidate error rate, 0..1', 'analysis.maxErrorRate', 'number'],
  ['max-p99-ms <ms>', 'SLO: candidate p99 latency', 'analysis.maxP99Ms', 'number'],
  ['max-drift <d>', 'SLO: prediction drift from stable', 'analysis.maxDrift', 'number'],
  ['min-samples <n>', 'fewer requests is inconclusive', 'analysis.minSamples', 'number'],
  ['interval <s>', 'seconds between analyses', 'analysis.intervalSeconds', 'number'],
  ['window <s>', 'seconds each analysis looks at', 'analysis.windowSeconds', 'number'],
  ['extra-columns <p>', 'ignore or reject', 'validation.extraColumns', ['ignore', 'reject']],
  [
    'missing-values <p>',
    'allow or reject null/NaN',
    'validation.missingValues',
    ['allow', 'reject'],
  ],
  ['max-rows <n>', 'rows per request at most', 'validation.maxRows', 'number'],
  ['log-sample <rate>', 'share of requests logged, 0..1', 'logging.sampleRate', 'number'],
  ['pii <pairs>', 'log policy: email=drop,id=hash', 'logging.pii', 'pii'],
  ['log-sink <sink>', 'db or parquet', 'logging.sink', ['db', 'parquet']],
]

type Flags = Record<string, string | boolean | undefined>

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidParameterError(`${flag} must be a number, got '${text}'`)
  }
  return n
}

function oneOf(
  text: string | undefined,
  flag: string,
  allowed: readonly string[],
): string | undefined {
  if (text === undefined || allowed.includes(text)) return text
  throw new InvalidParameterError(`${flag} must be one of ${allowed.join(', ')}, got '${text}'`)
}

/** `field=hash,other=drop`. */
function piiFlag(text: string): Record<string, PiiAction> {
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [field, action] = pair.split('=').map((s) => s.trim())
      if (!field)
        throw new InvalidParameterError(`--pii takes field=drop|hash|keep pairs, got '${pair}'`)
      return [field, oneOf(action, `--pii ${field}`, ['drop', 'hash', 'keep']) as PiiAction]
    }),
  )
}

function flagValue(text: string, flag: string, kind: Kind): unknown {
  if (kind === 'number') return number(text, flag)
  if (kind === 'numbers') return text.split(',').map((s) => number(s, flag))
  if (kind === 'pii') return piiFlag(text)
  if (kind === 'text') return flag === '--sticky-header' ? text.toLowerCase() : text
  return oneOf(text, flag, kind)
}

function configFromFlags(o: Flags): ConfigPatch {
  const patch: Record<string, Record<string, unknown>> = {}
  for (const [spec, , path, kind] of FLAGS) {
    const [section, key] = path.split('.') as [string, string]
    const name = spec.split(' ')[0]!
    const value = o[name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())]
    if (typeof value === 'string')
      (patch[section] ??= {})[key] = flagValue(value, `--${name}`, kind)
  }
  const golden = typeof o.golden === 'string' ? o.golden : undefined
  const allowSchemaChange = o.allowSchemaChange === true ? true : undefined
  const batching =
    typeof o.batching === 'string'
      ? oneOf(o.batching, '--batching', ['on', 'off']) === 'on'
      : undefined
  return { ...patch, goldenSet: golden, allowSchemaChange, batching }
}

function configOptions(command: Command): Command {
  command.option('--strategy <strategy>', 'single, canary, shadow or blue-green')
  for (const [flag, help] of FLAGS) command.option(`--${flag}`, help)
  return command
    .option('--golden <ref>', 'dataset version every release is smoke-tested on (name@golden)')
    .option('--allow-schema-change', 'let a release take inputs the serving version does not')
    .option('--batching <on|off>', 'stack queued requests into one model run (default on)')
    .option('--json', 'print JSON')
}

/** `NAME`, `NAME@alias` or `NAME/3`. */
export function parseModelRef(text: string): { model: string; alias?: string; version?: number } {
  const at = /^(.+)@([A-Za-z][\w-]*)$/.exec(text)
  if (at) return { model: at[1]!, alias: at[2]! }
  const slash = /^(.+)\/(\d+)$/.exec(text)
  if (slash) return { model: slash[1]!, version: Number(slash[2]) }
  return { model: text }
}

function printDeployment(d: Deployment, releases: readonly Release[] = []): void {
  const r = d.release
  const at = r?.status === 'progressing' ? ` at ${r.weight}%` : ''
  printPairs(`deployment ${d.name}`, [
    ['model', d.model],
    ['target', 'alias' in d.target ? `@${d.target.alias}` : `version ${d.target.version}`],
    ['strategy', d.strategy],
    ['serving version', d.version],
    ['previous version', d.previousVersion],
    ['release', r ? `${r.strategy} of version ${r.candidateVersion}: ${r.status}${at}` : undefined],
    ['reason', r?.reason],
    ['updated', formatTime(d.updatedAtMs)],
  ])
  if (r) printHistory(r, releases)
}

/** The latest release's gates, then every release. */
function printHistory(r: Release, releases: readonly Release[]): void {
  const gates: Column<Release['gates'][number]>[] = [
    { header: 'gate', value: (g) => g.gate },
    { header: 'passed', value: (g) => (g.passed ? 'yes' : 'NO') },
    { header: 'detail', value: (g) => g.detail },
  ]
  printRows(r.gates, gates, { empty: '' })
  if (releases.length === 0) return
  const columns: Column<Release>[] = [
    { header: 'strategy', value: (x) => x.strategy },
    { header: 'from → to', value: (x) => `${x.stableVersion ?? '-'} → ${x.candidateVersion}` },
    { header: 'status', value: (x) => x.status },
    { header: 'trigger', value: (x) => x.trigger },
    { header: 'by', value: (x) => x.createdBy },
    { header: 'at', value: (x) => formatTime(x.createdAtMs) },
  ]
  printRows(releases, columns, { empty: '' })
}

function show(d: Deployment, json: boolean | undefined): void {
  if (json) console.log(JSON.stringify(d, null, 2))
  else printDeployment(d)
}

/** `lathe deploy …`: deployments and their releases. */
export function registerDeployCommands(program: Command): void {
  const deploy = program
    .command('deploy')
    .description('deployments: create, release, promote, roll back')
  registerChangeCommands(deploy)
  registerReleaseCommands(deploy)
  registerReadCommands(deploy)
}

function registerChangeCommands(deploy: Command): void {
  configOptions(deploy.command('create <name>'))
    .description('serve a registered model: --model NAME@alias (followed as it moves) or NAME/N')
    .requiredOption('--model <ref>', 'NAME@alias, NAME/VERSION, or NAME (follows @champion)')
    .action(async (name: string, o: Flags & { model: string }, command: Command) =>
      withLathe(command, async (lathe) => {
        const strategy = o.strategy as Strategy | undefined
        const input = { name, ...parseModelRef(o.model), strategy, config: configFromFlags(o) }
        show(await lathe.serving.deployments.create(input), o.json === true)
      }),
    )
  configOptions(deploy.command('update <name>'))
    .description('change strategy, configuration or target (a new target version is released)')
    .option('--alias <alias>', 'follow this alias')
    .option('--version <n>', 'pin this version')
    .action(
      async (name: string, o: Flags & { alias?: string; version?: string }, command: Command) =>
        withLathe(command, async (lathe) => {
          const version = number(o.version, '--version')
          const strategy = o.strategy as Strategy | undefined
          const input = { alias: o.alias, version, strategy, config: configFromFlags(o) }
          show(await lathe.serving.deployments.update(name, input), o.json === true)
        }),
    )
  deploy
    .command('delete <name>')
    .description('stop serving a deployment and delete it')
    .action(async (name: string, _o: unknown, command: Command) =>
      withLathe(command, async (lathe) => {
        await lathe.serving.deployments.delete(name)
        console.log(`Deleted deployment ${name}`)
      }),
    )
}

function registerReleaseCommands(deploy: Command): void {
  deploy
    .command('release <name>')
    .description('release a version through the gates with the deployment strategy (or --strategy)')
    .requiredOption('--version <n>', 'the candidate version')
    .option('--strategy <strategy>', 'single, canary, shadow or blue-green')
    .option('--json', 'print JSON')
    .action(async (name: string, o: Flags & { version: string }, command: Command) =>
      withLathe(command, async (lathe) => {
        const version = number(o.version, '--version')!
        const input = { version, strategy: o.strategy as Strategy | undefined }
        show(await lathe.serving.deployments.release(name, input), o.json === true)
      }),
    )
  for (const [verb, what] of [
    ['promote', 'make the release candidate the stable version'],
    ['rollback', 'stop the release, or swap back to the previous version'],
  ] as const) {
    deploy
      .command(`${verb} <name>`)
      .description(what)
      .option('--reason <text>', 'why (recorded in the audit log)')
      .option('--json', 'print JSON')
      .action(async (name: string, o: { reason?: string; json?: boolean }, command: Command) =>
        withLathe(command, async (lathe) => {
          const { deployments } = lathe.serving
          const decide = verb === 'promote' ? deployments.promote : deployments.rollback
          show(await decide.call(deployments, name, o.reason), o.json)
        }),
      )
  }
}

const LIST_COLUMNS: Column<Deployment>[] = [
  { header: 'name', value: (d) => d.name },
  { header: 'model', value: (d) => d.model },
  {
    header: 'target',
    value: (d) => ('alias' in d.target ? `@${d.target.alias}` : `v${d.target.version}`),
  },
  { header: 'strategy', value: (d) => d.strategy },
  { header: 'version', value: (d) => d.version },
  {
    header: 'release',
    value: (d) => (d.release ? `${d.release.status} v${d.release.candidateVersion}` : ''),
  },
  {
    header: 'weight',
    value: (d) => (d.release?.status === 'progressing' ? `${d.release.weight}%` : ''),
  },
]

function registerReadCommands(deploy: Command): void {
  deploy
    .command('list')
    .description('list deployments')
    .option('--model <name>', 'only those of this model')
    .option('--json', 'print JSON')
    .action(async (o: { model?: string; json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const empty = 'No deployments yet: lathe deploy create NAME --model MODEL@champion'
        const list = await lathe.serving.deployments.list(o.model)
        printRows(list, LIST_COLUMNS, { json: o.json, empty })
      }),
    )
  deploy
    .command('show <name>')
    .description('a deployment, its latest release with its gates, and its release history')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const d = await lathe.serving.deployments.get(name)
        const releases = await lathe.serving.deployments.releases(name)
        if (o.json) return console.log(JSON.stringify({ ...d, releases }, null, 2))
        printDeployment(d, releases)
      }),
    )
}
