import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** One day of `vega-datasets/data/weather.csv`. */
export interface WeatherRow {
  readonly location: string
  readonly date: string
  readonly precipitation: number
  readonly temp_max: number
  readonly temp_min: number
  readonly wind: number
  readonly weather: string
}

/** The model's inputs, in the order they are sent. */
export const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const

/** A slice of the dataset in time (and place) order. */
export interface Period {
  readonly name: string
  readonly description: string
  readonly rows: readonly WeatherRow[]
}

/**
 * The quickstart's story, in time order: train on Seattle 2012–2013; serve Seattle 2014 (the same
 * climate: the control, no drift); then New York 2014 (another climate: real drift, which starts
 * retraining on it); then New York 2015: its first half as the canary's traffic, all of it after.
 */
export interface Periods {
  readonly train: Period
  readonly control: Period
  readonly drifted: Period
  readonly canary: Period
  readonly after: Period
}

function weatherCsvPath(): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets')
  return join(dirname(dirname(entry)), 'data', 'weather.csv')
}

/** Reads the shipped CSV (2,922 rows: Seattle and New York, daily, 2012–2015). */
export function readWeather(): WeatherRow[] {
  const [header, ...lines] = readFileSync(weatherCsvPath(), 'utf8').trim().split(/\r?\n/)
  const names = header!.split(',')
  return lines.map((line) => {
    const cells = line.split(',')
    const get = (name: string) => cells[names.indexOf(name)] ?? ''
    return {
      location: get('location'),
      date: get('date'),
      precipitation: Number(get('precipitation')),
      temp_max: Number(get('temp_max')),
      temp_min: Number(get('temp_min')),
      wind: Number(get('wind')),
      weather: get('weather'),
    }
  })
}

export function splitPeriods(rows: readonly WeatherRow[]): Periods {
  const of = (name: string, description: string, keep: (r: WeatherRow) => boolean): Period => ({
    name,
    description,
    rows: rows.filter(keep).sort((a, b) => a.date.localeCompare(b.date)),
  })
  const seattle = (r: WeatherRow) => r.location === 'Seattle'
  const newYork = (r: WeatherRow) => r.location === 'New York'
  return {
    train: of('train', 'Seattle 2012–2013', (r) => seattle(r) && r.date < '2014'),
    control: of('control', 'Seattle 2014', (r) => seattle(r) && r.date.startsWith('2014')),
    drifted: of('drifted', 'New York 2014', (r) => newYork(r) && r.date.startsWith('2014')),
    canary: of(
      'canary',
      'New York 2015 H1',
      (r) => newYork(r) && r.date >= '2015-01' && r.date < '2015-07',
    ),
    after: of('after', 'New York 2015', (r) => newYork(r) && r.date.startsWith('2015')),
  }
}

/**
 * A deterministic shuffle of the labels (seeded LCG): what `--sabotage-retrain` trains on, so
 * the retrained model learns noise and its gates must stop it.
 */
export function shuffleLabels(rows: readonly WeatherRow[]): WeatherRow[] {
  const labels = rows.map((r) => r.weather)
  let state = 12345
  for (let i = labels.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    const j = state % (i + 1)
    ;[labels[i], labels[j]] = [labels[j]!, labels[i]!]
  }
  return rows.map((r, i) => ({ ...r, weather: labels[i]! }))
}

/** Writes rows as CSV (the columns the contract names). */
export function writeCsv(path: string, rows: readonly WeatherRow[]): string {
  const columns = ['date', ...FEATURES, 'weather'] as const
  const lines = rows.map((r) => columns.map((c) => String(r[c])).join(','))
  writeFileSync(path, `${columns.join(',')}\n${lines.join('\n')}\n`)
  return path
}
