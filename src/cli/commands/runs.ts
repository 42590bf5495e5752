import type { Command } from 'commander'
import type { Lathe } from '../../main.js'
import type { Run } from '../../tracking/index.js'
import { format, formatTime, printPairs, printRows } from '../output.js'
import { withLathe } from '../context.js'

interface ListOptions {
  experiment?: string
  filter?: string
  orderBy?: string[]
  max: string
  json?: boolean
}

async function experimentIds(lathe: Lathe, experiment: string | undefined): Promise<string[]> {
  if (experiment === undefined) {
    const page = await lathe.tracking.experiments.search({ maxResults: 50_000 })
    return page.items.map((e) => e.experimentId)
  }
  if (/^\d+$/.test(experiment)) return [experiment]
  return [(await lathe.tracking.experiments.getByName(experiment)).experimentId]
}

function duration(run: Run): string {
  if (run.info.endTime === undefined) return ''
  return `${((run.info.endTime - run.info.startTime) / 1000).toFixed(1)}s`
}

export function registerRunCommands(program: Command): void {
  const runs = program.command('runs').description('list, show and compare runs')
  runs
    .command('list')
    .description('list runs, newest first (MLflow filter grammar)')
    .option('-e, --experiment <name-or-id>', 'only this experiment')
    .option('-f, --filter <expr>', `e.g. "metrics.rmse < 1 and params.model = 'gbdt'"`)
    .option('-o, --order-by <clause...>', 'e.g. "metrics.rmse ASC"')
    .option('-n, --max <n>', 'at most this many runs', '50')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) =>
      withLathe(command, async (lathe) => {
        const page = await lathe.tracking.searchRuns({
          experimentIds: await experimentIds(lathe, options.experiment),
          filter: options.filter,
          orderBy: options.orderBy,
          maxResults: Number(options.max),
        })
        const metricKeys = [...new Set(page.items.flatMap((r) => r.data.metrics.map((m) => m.key)))]
          .sort()
          .slice(0, 6)
        printRows(
          page.items,
          [
            { header: 'run id', value: (r) => r.info.runId },
            { header: 'name', value: (r) => r.info.runName },
            { header: 'exp', value: (r) => r.info.experimentId },
            { header: 'status', value: (r) => r.info.status },
            { header: 'started', value: (r) => formatTime(r.info.startTime) },
            { header: 'duration', value: duration },
            ...metricKeys.map((key) => ({
              header: key,
              value: (r: Run) => r.data.metrics.find((m) => m.key === key)?.value,
            })),
          ],
          { json: options.json, empty: 'No runs match.' },
        )
      }),
    )
  runs
    .command('show <run-id>')
    .description('show one run: info, params, latest metrics, tags')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { json?: boolean }, command: Command) =>
      withLathe(command, async ({ tracking }) => {
        const run = await tracking.runs.get(runId)
        if (options.json) return console.log(JSON.stringify(run, null, 2))
        printPairs('run', [
          ['id', run.info.runId],
          ['name', run.info.runName],
          ['experiment', run.info.experimentId],
          ['status', run.info.status],
          ['user', run.info.userId],
          ['started', formatTime(run.info.startTime)],
          ['ended', formatTime(run.info.endTime)],
          ['artifacts', run.info.artifactUri],
        ])
        if (run.data.params.length)
          printPairs(
            'param',
            run.data.params.map((p) => [p.key, p.value]),
          )
        if (run.data.metrics.length)
          printPairs(
            'metric (latest)',
            run.data.metrics.map((m) => [m.key, `${format(m.value)} (step ${m.step})`]),
          )
        if (run.data.tags.length)
          printPairs(
            'tag',
            run.data.tags.map((t) => [
              t.key,
              t.value.length > 80 ? `${t.value.slice(0, 77)}...` : t.value,
            ]),
          )
        for (const input of run.inputs.datasetInputs)
          printPairs('dataset input', [
            ['name', input.dataset.name],
            ['digest', input.dataset.digest],
            ['source', input.dataset.source],
          ])
      }),
    )
  runs
    .command('compare <run-ids...>')
    .description('compare runs side by side: params and latest metrics, differences marked with *')
    .option('--json', 'print JSON')
    .action(async (runIds: string[], options: { json?: boolean }, command: Command) =>
      withLathe(command, async ({ tracking }) => {
        const list = await Promise.all(runIds.map((id) => tracking.runs.get(id)))
        const rows = compareRows(list)
        printRows(
          rows,
          [
            { header: '', value: (r) => (r.differs ? '*' : '') },
            { header: 'key', value: (r) => r.key },
            ...list.map((run, i) => ({
              header: run.info.runName,
              value: (r: CompareRow) => r.values[i],
            })),
          ],
          { json: options.json, empty: 'Nothing to compare.' },
        )
      }),
    )
}

interface CompareRow {
  key: string
  values: (string | number | undefined)[]
  differs: boolean
}

/** One row per param and metric key across runs; `differs` when the runs disagree. */
export function compareRows(runs: readonly Run[]): CompareRow[] {
  const rows: CompareRow[] = []
  const add = (key: string, values: (string | number | undefined)[]) =>
    rows.push({ key, values, differs: new Set(values.map((v) => String(v))).size > 1 })
  const paramKeys = [...new Set(runs.flatMap((r) => r.data.params.map((p) => p.key)))].sort()
  for (const key of paramKeys)
    add(
      `params.${key}`,
      runs.map((r) => r.data.params.find((p) => p.key === key)?.value),
    )
  const metricKeys = [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort()
  for (const key of metricKeys)
    add(
      `metrics.${key}`,
      runs.map((r) => r.data.metrics.find((m) => m.key === key)?.value),
    )
  return rows
}
