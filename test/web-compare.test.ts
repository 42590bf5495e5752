import { describe, expect, it } from 'vitest'
import {
  createExperiment,
  seedRuns,
  useDashboard,
  type RunSeed,
  type WebServer,
} from './support/browser.js'

/* Comparing runs: differences highlighted, parallel coordinates, metric charts overlaid. */

const T0 = Date.UTC(2025, 2, 1)
const TRIALS = [
  { name: 'trial-a', lr: '0.1', depth: '3' },
  { name: 'trial-b', lr: '0.01', depth: '5' },
  { name: 'trial-c', lr: '0.001', depth: '7' },
  { name: 'trial-d', lr: '0.03', depth: undefined },
]

async function seedTrials(server: WebServer): Promise<string[]> {
  const experimentId = await createExperiment(server, 'tuning')
  const seeds = TRIALS.map((trial, i): RunSeed => {
    const params = [
      { key: 'lr', value: trial.lr },
      { key: 'optimizer', value: 'adam' },
    ]
    if (trial.depth) params.push({ key: 'depth', value: trial.depth })
    const rate = Number(trial.lr)
    const metrics = Array.from({ length: 300 }, (_, step) => ({
      key: 'val_loss',
      value: 0.2 + Math.exp(-step * rate * 0.5) / (i + 1),
      timestamp: T0 + i * 3_600_000 + step * 1000,
      step,
    }))
    metrics.push({ key: 'accuracy', value: 0.8 + i * 0.04, timestamp: T0, step: 0 })
    return {
      name: trial.name,
      startTime: T0 + i * 3_600_000,
      tags: [{ key: 'team', value: 'search' }],
      params,
      metrics,
      status: 'FINISHED',
      endTime: T0 + i * 3_600_000 + 400_000,
    }
  })
  return seedRuns(server, experimentId, seeds)
}

interface Canvas {
  width: number
  height: number
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  }
}

/** How many pixels of a canvas are drawn on (not transparent). */
function paintedPixels(canvas: Canvas): number {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
  let count = 0
  for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++
  return count
}

describe('dashboard: compare runs', () => {
  const d = useDashboard(seedTrials)

  it('highlights the fields that differ and can hide the rest', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/compare?runs=${d.seeded.join(',')}`)
    await page.getByRole('heading', { name: 'Compare 4 runs' }).waitFor()
    const table = page.locator('.compare-table')
    expect(await table.getByRole('columnheader').allTextContents()).toEqual([
      'Field',
      ...TRIALS.map((t) => t.name),
    ])
    const row = (name: string) =>
      table.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) })
    expect(await row('lr (differs)').getAttribute('class')).toBe('is-different')
    expect(await row('depth (differs)').getByRole('cell').allTextContents()).toEqual([
      '3',
      '5',
      '7',
      '—',
    ])
    expect(await row('optimizer').getAttribute('class')).toBe('')
    await d.watched.screenshot('compare')

    await page.getByLabel(/Only differences/).check()
    await page.waitForURL(/diff=1/)
    expect(await row('optimizer').count()).toBe(0)
    await row('lr (differs)').waitFor()
  })

  it('draws params against a metric in parallel coordinates', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/compare?runs=${d.seeded.join(',')}`)
    const plot = page.getByRole('img', {
      name: /Parallel coordinates of depth, lr, accuracy for 4 runs/,
    })
    await plot.waitFor()
    expect(await plot.evaluate(paintedPixels)).toBeGreaterThan(1000)
    await page.getByRole('combobox').selectOption('val_loss')
    await page.waitForURL(/pc=val_loss/)
    await page.getByRole('img', { name: /depth, lr, val_loss/ }).waitFor()
  })

  it('overlays the runs on each metric chart', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/compare?runs=${d.seeded.join(',')}`)
    const chart = page.getByRole('region', { name: 'Metric val_loss' })
    // Charts load when they scroll into view.
    await chart.scrollIntoViewIfNeeded()
    await chart.getByText('1,200 points').waitFor()
    for (const trial of TRIALS) await chart.locator('.u-legend').getByText(trial.name).waitFor()
    await d.watched.screenshot('compare-charts')
  })
})
