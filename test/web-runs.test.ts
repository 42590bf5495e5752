import { describe, expect, it } from 'vitest'
import {
  createExperiment,
  seedRuns,
  useDashboard,
  type RunSeed,
  type WebServer,
} from './support/browser.js'

/*
 * The experiments list and an experiment's runs table, with a 10,000-run sweep (the issue's
 * "responsive with 10,000 runs") (seeded in
 * process: the pages read it over HTTP): filter, sort, pick columns, select and compare, bad
 * filters. The sweep is still going (runs RUNNING, a few FAILED).
 */

const RUNS = 10_000
const sweepName = (i: number) => `sweep-${String(i).padStart(4, '0')}`
const MODELS = ['cnn', 'mlp', 'resnet']
const RATES = ['0.001', '0.003', '0.01', '0.03', '0.1']

/** Run i of the sweep; accuracy is a deterministic scramble of i in [0.5, 0.99]. */
function sweepRun(i: number) {
  const accuracy = 0.5 + (0.49 * ((i * 7919) % 1000)) / 1000
  return {
    name: sweepName(i),
    model: MODELS[i % 3]!,
    lr: RATES[i % 5]!,
    batchSize: String([32, 64, 128][Math.floor(i / 3) % 3]),
    accuracy,
    loss: 1.02 - accuracy,
  }
}

async function seedSweep(server: WebServer): Promise<{ sweepId: string; emptyId: string }> {
  const { experiment_id: sweepId } = await server.post<{ experiment_id: string }>(
    'experiments/create',
    { name: 'mnist-sweep', tags: [{ key: 'mlflow.note.content', value: 'Grid over lr × model' }] },
  )
  const emptyId = await createExperiment(server, 'empty-experiment')
  const startMs = Date.now() - RUNS * 1000
  const seeds = Array.from({ length: RUNS }, (_, i): RunSeed => {
    const r = sweepRun(i)
    const at = startMs + i * 1000
    return {
      name: r.name,
      startTime: at,
      tags: [{ key: 'team', value: i % 2 ? 'vision' : 'research' }],
      params: [
        { key: 'model', value: r.model },
        { key: 'lr', value: r.lr },
        { key: 'batch_size', value: r.batchSize },
      ],
      metrics: [
        { key: 'accuracy', value: r.accuracy, timestamp: at, step: 10 },
        { key: 'loss', value: r.loss, timestamp: at, step: 10 },
      ],
      ...(i % 50 === 7 ? { status: 'FAILED' as const, endTime: at + 30_000 } : {}),
    }
  })
  await seedRuns(server, sweepId, seeds)
  return { sweepId, emptyId }
}

describe('dashboard: experiments and runs', () => {
  const d = useDashboard(seedSweep)

  it('lists experiments and filters them by name', async () => {
    const { page } = d
    await page.goto(d.server.url)
    await page.waitForURL(/\/experiments$/)
    const table = page.getByRole('table')
    await table.getByRole('link', { name: 'mnist-sweep' }).waitFor()
    expect(await table.getByRole('link').allTextContents()).toEqual([
      'empty-experiment',
      'mnist-sweep',
      'Default',
    ])
    await d.watched.screenshot('experiments')
    await page.getByLabel('Filter experiments by name').fill('mnist')
    await page.waitForURL(/\?q=mnist/)
    expect(await table.getByRole('link').allTextContents()).toEqual(['mnist-sweep'])
    await page.getByLabel('Filter experiments by name').fill('nothing-like-this')
    await page.getByText('No experiment name contains').waitFor()
  })

  it('shows thousands of runs with only the visible rows in the DOM', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page.getByRole('link', { name: 'mnist-sweep' }).click()
    await page.getByText(`${RUNS.toLocaleString('en-US')} runs`).waitFor()
    const rows = page.getByRole('table', { name: 'Runs' }).getByRole('row')
    const rendered = await rows.count()
    expect(rendered).toBeGreaterThan(10)
    expect(rendered).toBeLessThan(80)
    // Newest first: the last run seeded comes first.
    await page.getByRole('link', { name: sweepName(RUNS - 1) }).waitFor()
    await d.watched.screenshot('runs-table')
    await page.locator('.vt-scroll').evaluate((el: { scrollTop: number; scrollHeight: number }) => {
      el.scrollTop = el.scrollHeight
    })
    await page.getByRole('link', { name: sweepName(0) }).waitFor()
    expect(await rows.count()).toBeLessThan(80)
  })

  it('sorts by a metric and adds a param column, both kept in the URL', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments/${d.seeded.sweepId}`)
    await page.getByRole('button', { name: 'accuracy' }).click()
    await page.waitForURL(/sort=metrics.accuracy&order=desc/)
    const best = Math.max(...Array.from({ length: RUNS }, (_, i) => sweepRun(i).accuracy))
    const firstRow = page.getByRole('table', { name: 'Runs' }).getByRole('row').nth(1)
    await firstRow
      .getByRole('cell')
      .nth(6)
      .getByText(String(Number(best.toPrecision(4))))
      .waitFor()

    await page.getByRole('button', { name: /^Columns/ }).click()
    await page.getByRole('dialog', { name: 'Choose columns' }).getByLabel('team').check()
    await page.keyboard.press('Escape')
    await page.waitForURL(/cols=.*tags.team/)
    await page.reload()
    await page.getByRole('columnheader', { name: 'team' }).waitFor()
    expect(page.url()).toContain('sort=metrics.accuracy')
  })

  it('filters runs with the MLflow grammar and keeps the filter on reload', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments/${d.seeded.sweepId}`)
    const filter = "metrics.accuracy > 0.9 AND params.model = 'cnn'"
    const expected = Array.from({ length: RUNS }, (_, i) => sweepRun(i)).filter(
      (r) => r.accuracy > 0.9 && r.model === 'cnn',
    ).length
    await page.getByLabel('Filter runs (MLflow search syntax)').fill(filter)
    await page.keyboard.press('Enter')
    await page.getByText(`${expected} runs match`).waitFor()
    expect(new URL(page.url()).searchParams.get('filter')).toBe(filter)
    await d.watched.screenshot('runs-filtered')
    await page.reload()
    await page.getByText(`${expected} runs match`).waitFor()
    expect(await page.getByLabel('Filter runs (MLflow search syntax)').inputValue()).toBe(filter)
  })

  it('explains an invalid filter instead of showing an empty page', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/\/runs\/search$/)
    await page.goto(
      `${d.server.url}/experiments/${d.seeded.sweepId}?filter=${encodeURIComponent('metrics.accuracy >> 1')}`,
    )
    const alert = page.getByRole('alert')
    await alert.getByText('This filter is not valid').waitFor()
    expect(await alert.locator('.error-message').textContent()).toMatch(/\S/)
    await d.watched.screenshot('runs-bad-filter')
    await alert.getByRole('button', { name: 'Clear the filter' }).click()
    await page.getByText(`${RUNS.toLocaleString('en-US')} runs`).waitFor()
  })

  it('selects runs and opens them side by side', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments/${d.seeded.sweepId}`)
    const compare = page.getByRole('button', { name: /^Compare/ })
    expect(await compare.isDisabled()).toBe(true)
    for (const name of [sweepName(RUNS - 1), sweepName(RUNS - 2), sweepName(RUNS - 3)]) {
      await page.getByRole('checkbox', { name: `Select ${name}` }).check()
    }
    await compare.click()
    await page.waitForURL(/\/compare\?runs=[0-9a-f]{32},[0-9a-f]{32},[0-9a-f]{32}$/)
    await page.getByRole('heading', { name: 'Compare 3 runs' }).waitFor()
  })

  it('says what to do in an empty experiment, and stays usable at 768 px', async () => {
    const { page } = d
    await page.setViewportSize({ width: 768, height: 900 })
    await page.goto(`${d.server.url}/experiments/${d.seeded.emptyId}`)
    await page.getByText('No runs in this experiment yet').waitFor()
    await page.goto(`${d.server.url}/experiments/${d.seeded.sweepId}`)
    await page.getByRole('link', { name: sweepName(RUNS - 1) }).waitFor()
    await d.watched.screenshot('runs-768')
  })
})
