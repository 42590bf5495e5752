import type { Command } from 'commander'
import { withLathe } from '../context.js'
import { formatTime, printRows } from '../output.js'

interface Row {
  monitor: string
  kind: string
  window: number | undefined
  metric: string
  value: number | undefined
}

/** `lathe monitor status DEPLOYMENT`: the latest window of each of a deployment's monitors. */
export function registerMonitorCommands(program: Command): void {
  const monitor = program.command('monitor').description('inspect deployment monitors')
  monitor
    .command('status <deployment>')
    .description("the latest window's metrics of every monitor of a deployment")
    .option('--json', 'print JSON')
    .action(async (deployment: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async (lathe) => {
        const status = await lathe.monitoring.monitors.status(deployment)
        if (options.json) return console.log(JSON.stringify(status, null, 2))
        const rows = status.flatMap<Row>(({ monitor: m, latest }) =>
          latest.length === 0
            ? [
                {
                  monitor: m.id,
                  kind: m.kind,
                  window: undefined,
                  metric: '(no run yet)',
                  value: undefined,
                },
              ]
            : latest.map((r) => ({
                monitor: m.id,
                kind: m.kind,
                window: r.windowEndMs,
                metric: r.metric,
                value: r.value,
              })),
        )
        printRows(
          rows,
          [
            { header: 'monitor', value: (r) => r.monitor.slice(0, 8) },
            { header: 'kind', value: (r) => r.kind },
            { header: 'window end', value: (r) => formatTime(r.window) },
            { header: 'metric', value: (r) => r.metric },
            { header: 'value', value: (r) => r.value },
          ],
          { empty: `no monitors on deployment '${deployment}'` },
        )
      }),
    )
}
