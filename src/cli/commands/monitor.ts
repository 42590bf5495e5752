import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { FeedbackItem } from '../../monitoring/index.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { formatTime, printPairs, printRows } from '../output.js'

interface Row {
  monitor: string
  kind: string
  window: number | undefined
  metric: string
  value: number | undefined
}

/** A CSV cell as a label: numbers and booleans as such, anything else as text. */
function cellLabel(cell: string): unknown {
  if (cell === 'true' || cell === 'false') return cell === 'true'
  return cell !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell
}

/**
 * Feedback items from a file: CSV with `request_id` and `label` columns, or JSON Lines of
 * `{"request_id", "label"}` / `{"request_id", "labels": [...]}`. @throws InvalidParameterError naming the line
 */
export function parseFeedbackFile(path: string, text: string): FeedbackItem[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  if (/\.csv$/i.test(path)) {
    const header = (lines.shift() ?? '').split(',').map((h) => h.trim())
    const [id, label] = ['request_id', 'label'].map((c) => header.indexOf(c))
    if (id! < 0 || label! < 0)
      throw new InvalidParameterError(`${path}: the header must name request_id and label columns`)
    return lines.map((line) => {
      const cells = line.split(',')
      return { requestId: cells[id!] ?? '', labels: [cellLabel(cells[label!] ?? '')] }
    })
  }
  return lines.map((line, i) => {
    let item: { request_id?: unknown; label?: unknown; labels?: unknown }
    try {
      item = JSON.parse(line) as typeof item
    } catch {
      throw new InvalidParameterError(`${path}:${i + 1}: not a JSON object`)
    }
    const labels = Array.isArray(item.labels) ? item.labels : [item.label]
    return { requestId: String(item.request_id ?? ''), labels }
  })
}

/** `lathe monitor status DEPLOYMENT`: the latest window of each of a deployment's monitors. */
export function registerMonitorCommands(program: Command): void {
  const monitor = program.command('monitor').description('inspect deployment monitors')
  monitor
    .command('feedback <file>')
    .description('send ground truth from a file (CSV request_id,label or JSON Lines)')
    .requiredOption('--deployment <name>', 'the deployment that answered the requests')
    .option('--json', 'print JSON')
    .action(
      async (file: string, options: { deployment: string; json?: boolean }, command: Command) =>
        withLathe(command, async (lathe) => {
          const items = parseFeedbackFile(file, await readFile(file, 'utf8'))
          const report = {
            accepted: 0,
            duplicates: [] as string[],
            rejected: [] as unknown[],
            unknown: [] as string[],
          }
          for (let i = 0; i < items.length; i += 10_000) {
            const r = await lathe.monitoring.feedback.record(
              options.deployment,
              items.slice(i, i + 10_000),
            )
            report.accepted += r.accepted
            report.duplicates.push(...r.duplicates)
            report.rejected.push(...r.rejected)
            report.unknown.push(...r.unknown)
          }
          if (report.rejected.length > 0) process.exitCode = 1
          if (options.json) return console.log(JSON.stringify(report, null, 2))
          printPairs(`feedback for ${options.deployment}`, [
            ['accepted', report.accepted],
            ['duplicates (same labels again)', report.duplicates.length],
            ['rejected', report.rejected.length],
            ['not in the inference log yet', report.unknown.length],
          ])
          for (const r of report.rejected.slice(0, 20))
            console.log(`  rejected ${JSON.stringify(r)}`)
        }),
    )
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
