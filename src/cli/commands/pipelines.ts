import type { Command } from 'commander'
import type { Executor, RerunReport, RunDetail } from '../../pipelines/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { formatTime, printPairs, printRows } from '../output.js'
import { collectParam, executorOption, positive } from './pipelines-flags.js'
import { registerScheduleCommands } from './pipelines-schedules.js'
import { printOutcome, stepLines, watchRun } from './pipelines-progress.js'

function runJson(run: RunDetail) {
  return { ...run, plan: undefined }
}

function printRun(run: RunDetail): void {
  printPairs(`Run ${run.runId}`, [
    ['pipeline', run.pipeline],
    ['status', run.status],
    ['executor', run.executor],
    ['started by', run.startedBy],
    ['params', JSON.stringify(run.params)],
    ['created', formatTime(run.createdAtMs)],
    ['ended', formatTime(run.endedAtMs ?? undefined)],
    ['tracking run', run.trackingRunId],
    [
      'git',
      run.repro.git
        ? `${run.repro.git.commit.slice(0, 12)}${run.repro.git.isDirty ? ' (dirty)' : ''}`
        : 'none',
    ],
    ['seed', run.repro.seed],
  ])
  console.log(stepLines(run).join('\n'))
}

function printRerun(report: RerunReport): void {
  console.log(`Rerun ${report.runId} of ${report.originalRunId}: ${report.status}`)
  for (const s of report.steps) {
    const verdict =
      s.isMatch === null ? 'not comparable' : s.isMatch ? 'same outputs' : 'DIFFERENT outputs'
    console.log(`  ${s.step}: ${verdict}`)
  }
  for (const d of report.environment)
    console.log(`  environment changed: ${d.field} ${d.before} → ${d.after}`)
  console.log(
    report.isMatch ? 'Outputs match the original run.' : 'Outputs do not match the original run.',
  )
}

interface RunFlags {
  param?: Record<string, string>
  cache: boolean
  executor?: Executor
  concurrency?: number
  detach?: boolean
  json?: boolean
}

function registerRun(pipelines: Command): void {
  pipelines
    .command('run <file-or-name>')
    .description('run a pipeline (a .ts/.js/.yaml file, registered by this, or a registered name)')
    .option('-p, --param <key=value>', 'set a parameter (repeatable)', collectParam)
    .option('--no-cache', 'run every step, even when a cached result matches')
    .addOption(executorOption().default('local'))
    .option(
      '-c, --concurrency <n>',
      'local executor: steps at once (default 4)',
      positive('--concurrency'),
    )
    .option('-d, --detach', 'distributed: return once queued instead of following the run')
    .option('--json', 'print the finished run as JSON')
    .action(async (target: string, flags: RunFlags, command: Command) =>
      withLathe(command, async (lathe) => {
        const started = await lathe.pipelines.run(target, {
          params: flags.param,
          isNoCache: !flags.cache,
          executor: flags.executor,
          concurrency: flags.concurrency,
        })
        if (flags.detach && flags.executor === 'distributed') return console.log(started.runId)
        if (!flags.json) console.log(`Run ${started.runId} started (${flags.executor ?? 'local'})`)
        const run = flags.json
          ? await started.done
          : await watchRun(() => lathe.pipelines.status(started.runId))
        await started.done
        if (flags.json) console.log(JSON.stringify(runJson(run), null, 2))
        else printOutcome(run)
        if (run.status !== 'succeeded') process.exitCode = 1
      }),
    )
}

function registerInspect(pipelines: Command): void {
  pipelines
    .command('status <run-id>')
    .description("show a run's steps; --watch follows it until it ends")
    .option('-w, --watch', 'follow the run while it is in flight')
    .option('--json', 'print JSON')
    .action(async (runId: string, flags: { watch?: boolean; json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const run = flags.watch
          ? await watchRun(() => lathe.pipelines.status(runId))
          : await lathe.pipelines.status(runId)
        if (flags.json) return console.log(JSON.stringify(runJson(run), null, 2))
        if (flags.watch) printOutcome(run)
        else printRun(run)
      }),
    )
}

function registerLogsAndCancel(pipelines: Command): void {
  pipelines
    .command('logs <run-id>')
    .description("print the end of each step's log (failures first), or one step's")
    .option('-s, --step <name>', 'only this step')
    .action(async (runId: string, flags: { step?: string }, command: Command) =>
      withLathe(command, async (lathe) => {
        const run = await lathe.pipelines.status(runId)
        const steps = flags.step ? run.steps.filter((s) => s.step === flags.step) : run.steps
        if (flags.step && steps.length === 0)
          throw new InvalidParameterError(
            `Run ${runId} has no step '${flags.step}' (steps: ${run.steps.map((s) => s.step).join(', ')})`,
          )
        for (const s of [...steps].sort(
          (a, b) => Number(b.status === 'failed') - Number(a.status === 'failed'),
        )) {
          console.log(`── ${s.step} (${s.status}${s.error ? `: ${s.error}` : ''})`)
          if (s.logTail) console.log(s.logTail)
          if (s.trackingRunId)
            console.log(`   full log: tracking run ${s.trackingRunId}, artifact logs/step.log`)
        }
      }),
    )
  pipelines
    .command('cancel <run-id>')
    .description('cancel a run: running steps are stopped, the rest never start')
    .action(async (runId: string, _flags: object, command: Command) =>
      withLathe(command, async (lathe) => {
        await lathe.pipelines.cancel(runId)
        console.log(`Cancelled ${runId}`)
      }),
    )
}

function registerLists(pipelines: Command): void {
  pipelines
    .command('list')
    .description('list registered pipelines')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        printRows(
          await lathe.pipelines.catalog.list(),
          [
            { header: 'name', value: (p) => p.name },
            { header: 'steps', value: (p) => p.steps.length },
            { header: 'source', value: (p) => p.source },
            { header: 'registered', value: (p) => formatTime(p.registeredAtMs) },
          ],
          {
            json: flags.json,
            empty: 'No pipelines yet: lathe pipelines run <file> registers one.',
          },
        )
      }),
    )
}

function registerRuns(pipelines: Command): void {
  pipelines
    .command('runs [pipeline]')
    .description('list runs, newest first')
    .option('--status <status>', 'only runs in this status')
    .option('-n, --max <n>', 'at most this many', positive('--max'), 50)
    .option('--json', 'print JSON')
    .action(
      async (
        pipeline: string | undefined,
        flags: { status?: string; max: number; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          printRows(
            await lathe.pipelines.runs({ pipeline, status: flags.status, limit: flags.max }),
            [
              { header: 'run id', value: (r) => r.runId },
              { header: 'pipeline', value: (r) => r.pipeline },
              { header: 'status', value: (r) => r.status },
              { header: 'started by', value: (r) => r.startedBy },
              { header: 'created', value: (r) => formatTime(r.createdAtMs) },
            ],
            { json: flags.json, toJson: (r) => ({ ...r, plan: undefined }), empty: 'No runs.' },
          )
        }),
    )
}

/** `lathe pipelines …`: run, follow, inspect, cancel and rerun pipelines; schedules and triggers. */
export function registerPipelineCommands(program: Command): void {
  const pipelines = program
    .command('pipelines')
    .description('pipelines: run, status, logs, cancel, rerun, schedules, triggers')
  registerLists(pipelines)
  registerRuns(pipelines)
  registerRun(pipelines)
  registerInspect(pipelines)
  registerLogsAndCancel(pipelines)
  pipelines
    .command('rerun <run-id>')
    .description('rerun a run from its reproducibility record and say whether its outputs match')
    .option('--use-cache', 'reuse cached step results instead of recomputing')
    .addOption(executorOption())
    .option('--json', 'print the comparison as JSON')
    .action(
      async (
        runId: string,
        flags: { useCache?: boolean; executor?: Executor; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          const rerun = await lathe.pipelines.rerun(runId, {
            executor: flags.executor,
            isNoCache: !flags.useCache,
          })
          if (!flags.json) await watchRun(() => lathe.pipelines.status(rerun.runId))
          const report = await rerun.done
          if (flags.json) console.log(JSON.stringify(report, null, 2))
          else printRerun(report)
          if (!report.isMatch) process.exitCode = 1
        }),
    )
  registerScheduleCommands(pipelines)
}
