import { metricValue, type Run } from '../api'

/** A run with its params, latest metrics and tags in maps, for fast sorting and columns. */
export interface IndexedRun {
  readonly run: Run
  readonly id: string
  readonly name: string
  readonly params: ReadonlyMap<string, string>
  readonly metrics: ReadonlyMap<string, number>
  readonly tags: ReadonlyMap<string, string>
}

export function indexRun(run: Run): IndexedRun {
  const tags = new Map((run.data?.tags ?? []).map((t) => [t.key, t.value]))
  return {
    run,
    id: run.info.run_id,
    name: runName(run),
    params: new Map((run.data?.params ?? []).map((p) => [p.key, p.value])),
    metrics: new Map((run.data?.metrics ?? []).map((m) => [m.key, metricValue(m)])),
    tags,
  }
}

/** The run's name, or the start of its id when it has none. */
export function runName(run: Run): string {
  const tag = run.data?.tags?.find((t) => t.key === 'mlflow.runName')?.value
  return run.info.run_name || tag || run.info.run_id.slice(0, 8)
}

export function durationMs(run: Run): number | undefined {
  const { start_time: start, end_time: end } = run.info
  if (!start) return undefined
  if (end) return end - start
  return run.info.status === 'RUNNING' ? Date.now() - start : undefined
}

/**
 * A field by its search key, as the filter grammar spells it: `metrics.acc`, `params.lr`,
 * `tags.team`, `attributes.start_time`; `attributes.duration` is the dashboard's own.
 */
export function fieldValue(r: IndexedRun, key: string): string | number | undefined {
  const dot = key.indexOf('.')
  const kind = key.slice(0, dot)
  const name = key.slice(dot + 1)
  switch (kind) {
    case 'metrics':
      return r.metrics.get(name)
    case 'params':
      return r.params.get(name)
    case 'tags':
      return r.tags.get(name)
    default:
      return attribute(r, name)
  }
}

function attribute(r: IndexedRun, name: string): string | number | undefined {
  const info = r.run.info
  switch (name) {
    case 'run_name':
      return r.name
    case 'duration':
      return durationMs(r.run)
    case 'run_id':
      return r.id
    default: {
      const value = (info as unknown as Record<string, unknown>)[name]
      return typeof value === 'string' || typeof value === 'number' ? value : undefined
    }
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Sorts by one field; runs without it go last whichever the direction, as MLflow does. */
export function sortRuns(runs: readonly IndexedRun[], key: string, isDescending: boolean) {
  const values = new Map(runs.map((r) => [r, fieldValue(r, key)]))
  const sign = isDescending ? -1 : 1
  return [...runs].sort((a, b) => {
    const x = values.get(a)
    const y = values.get(b)
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1
    if (typeof x === 'number' && typeof y === 'number') {
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1
      return sign * (x - y)
    }
    return sign * collator.compare(String(x), String(y))
  })
}

/** The metric, param and tag keys present in any of the runs, each sorted. */
export function fieldKeys(runs: readonly IndexedRun[]) {
  const metrics = new Set<string>()
  const params = new Set<string>()
  const tags = new Set<string>()
  for (const r of runs) {
    for (const key of r.metrics.keys()) metrics.add(key)
    for (const key of r.params.keys()) params.add(key)
    for (const key of r.tags.keys()) if (key !== 'mlflow.runName') tags.add(key)
  }
  const sorted = (s: Set<string>) => [...s].sort(collator.compare)
  return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags) }
}
