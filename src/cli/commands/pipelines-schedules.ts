import type { Command } from 'commander'
import { TRIGGER_EVENTS, type Executor } from '../../pipelines/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { formatTime, printRows } from '../output.js'
import { collectParam, executorOption } from './pipelines-flags.js'

/** `30s`, `5m`, `2h` or milliseconds, as milliseconds. */
function duration(value: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim())
  if (!match)
    throw new InvalidParameterError(`--debounce must be like 500ms, 30s, 5m or 1h, got '${value}'`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms']
  return Number(match[1]) * unit
}

interface AddFlags {
  param?: Record<string, string>
  executor?: Executor
}

/** `lathe pipelines schedule|trigger add|list|rm`. */
export function registerScheduleCommands(pipelines: Command): void {
  const schedule = pipelines.command('schedule').description('run a pipeline on a cron schedule')
  schedule
    .command('add <pipeline> <cron>')
    .description('add a schedule, e.g. "0 6 * * 1-5" with --tz Europe/Paris')
    .option('--tz <zone>', 'IANA time zone the cron is read in', 'UTC')
    .option('-p, --param <key=value>', 'set a parameter (repeatable)', collectParam)
    .addOption(executorOption())
    .action(
      async (pipeline: string, cron: string, flags: AddFlags & { tz: string }, command: Command) =>
        withLathe(command, async (lathe) => {
          const s = await lathe.pipelines.schedules.create(pipeline, {
            cron,
            timezone: flags.tz,
            params: flags.param,
            executor: flags.executor,
          })
          console.log(
            `Schedule ${s.id}: ${pipeline} at "${cron}" (${s.timezone}), next ${formatTime(s.nextAtMs)} UTC`,
          )
        }),
    )
  schedule
    .command('list [pipeline]')
    .option('--json', 'print JSON')
    .action(async (pipeline: string | undefined, flags: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) =>
        printRows(
          await lathe.pipelines.schedules.list(pipeline),
          [
            { header: 'id', value: (s) => s.id },
            { header: 'pipeline', value: (s) => s.pipeline },
            { header: 'cron', value: (s) => `${s.cron} (${s.timezone})` },
            { header: 'next (UTC)', value: (s) => formatTime(s.nextAtMs) },
            { header: 'last run', value: (s) => s.lastRunId ?? '' },
          ],
          { json: flags.json, empty: 'No schedules.' },
        ),
      ),
    )
  schedule
    .command('rm <id>')
    .action(async (id: string, _flags: object, command: Command) =>
      withLathe(command, async (lathe) => lathe.pipelines.schedules.delete(id)),
    )

  registerTriggerCommands(pipelines)
}

function registerTriggerCommands(pipelines: Command): void {
  const trigger = pipelines.command('trigger').description('run a pipeline when an event happens')
  trigger
    .command('add <pipeline> <event>')
    .description(`add a trigger on one of: ${TRIGGER_EVENTS.join(', ')}`)
    .option(
      '--debounce <duration>',
      'events closer than this start one run (default 60s)',
      duration,
    )
    .option(
      '-m, --match <key=value>',
      'only events whose payload has this field (repeatable)',
      collectParam,
    )
    .option('-p, --param <key=value>', 'set a parameter (repeatable)', collectParam)
    .addOption(executorOption())
    .action(
      async (
        pipeline: string,
        event: string,
        flags: AddFlags & { debounce?: number; match?: Record<string, string> },
        command: Command,
      ) =>
        withLathe(command, async (lathe) => {
          const t = await lathe.pipelines.triggers.create(pipeline, {
            event,
            match: flags.match,
            debounceMs: flags.debounce,
            params: flags.param,
            executor: flags.executor,
          })
          console.log(
            `Trigger ${t.id}: ${pipeline} on ${event}, ${t.debounceMs} ms after the last of a burst`,
          )
        }),
    )
  trigger
    .command('list [pipeline]')
    .option('--json', 'print JSON')
    .action(async (pipeline: string | undefined, flags: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) =>
        printRows(
          await lathe.pipelines.triggers.list(pipeline),
          [
            { header: 'id', value: (t) => t.id },
            { header: 'pipeline', value: (t) => t.pipeline },
            { header: 'event', value: (t) => t.event },
            { header: 'debounce ms', value: (t) => t.debounceMs },
            { header: 'last run', value: (t) => t.lastRunId ?? '' },
          ],
          { json: flags.json, empty: 'No triggers.' },
        ),
      ),
    )
  trigger
    .command('rm <id>')
    .action(async (id: string, _flags: object, command: Command) =>
      withLathe(command, async (lathe) => lathe.pipelines.triggers.delete(id)),
    )
}
