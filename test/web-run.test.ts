import { describe, expect, it } from 'vitest'
import {
  createExperiment,
  createRun,
  inParallel,
  useDashboard,
  type WebServer,
} from './support/browser.js'
import { gradientPng } from './support/png.js'

/*
 * One run's page: params, tags and dataset inputs; metric charts with 100,000 points; the
 * artifact browser previewing text, JSON, CSV, PNG and an MLmodel signature.
 */

const POINTS = 100_000
const T0 = Date.UTC(2025, 0, 1)

const MLMODEL = `artifact_path: model
flavors:
  onnx:
    onnx_version: 1.17.0
signature:
  inputs: '[{"type": "double", "name": "sepal_length", "required": true}, {"type": "double", "name": "petal_width", "required": true}]'
  outputs: '[{"type": "long", "name": "species", "required": true}]'
  params: null
`

async function seedRun(server: WebServer): Promise<string> {
  const experimentId = await createExperiment(server, 'iris')
  const run = await createRun(server, experimentId, {
    run_name: 'gbm-baseline',
    start_time: T0,
    tags: [
      { key: 'team', value: 'vision' },
      { key: 'mlflow.source.name', value: 'train.py' },
    ],
  })
  const runId = run.run_id
  const params = Array.from({ length: 12 }, (_, i) => ({ key: `param_${i}`, value: String(i * 3) }))
  params.push({ key: 'learning_rate', value: '0.1' })
  await server.post('runs/log-batch', { run_id: runId, params })
  const loss = Array.from({ length: POINTS }, (_, step) => ({
    key: 'loss',
    value: 2 * Math.exp(-step / 15_000) + 0.05 * Math.sin(step / 50) + 0.06,
    timestamp: T0 + step * 10,
    step,
  }))
  const batches = []
  for (let i = 0; i < POINTS; i += 1000) batches.push(loss.slice(i, i + 1000))
  batches.push(
    Array.from({ length: 200 }, (_, step) => ({
      key: 'accuracy',
      value: 0.98 - 0.5 * Math.exp(-step / 40),
      timestamp: T0 + step * 5000,
      step: step * 500,
    })),
  )
  await inParallel(batches, 4, async (metrics) => {
    await server.post('runs/log-batch', { run_id: runId, metrics })
  })
  await server.post('runs/log-inputs', {
    run_id: runId,
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: {
          name: 'iris',
          digest: 'd41d8cd9',
          source_type: 'local',
          source: 'data/iris.csv',
          schema: JSON.stringify({
            mlflow_colspec: [
              { name: 'sepal_length', type: 'double' },
              { name: 'species', type: 'string' },
            ],
          }),
        },
      },
    ],
  })
  const files: [string, string | Uint8Array][] = [
    ['notes.txt', 'Trained on the full iris set.\nNo early stopping.\n'],
    ['metrics.json', JSON.stringify({ accuracy: 0.97, f1: { macro: 0.96 } })],
    ['data/sample.csv', 'sepal_length,species\n5.1,setosa\n"6,2",virginica\n'],
    ['plots/curve.png', gradientPng(320, 200)],
    ['model/MLmodel', MLMODEL],
  ]
  for (const [path, body] of files) await server.putArtifact(run.artifact_uri, path, body)
  await server.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: T0 + 1_000_000 })
  return runId
}

describe('dashboard: one run', () => {
  const d = useDashboard(seedRun)

  it('shows params, tags and the dataset inputs', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/runs/${d.seeded}`)
    await page.getByRole('heading', { name: /gbm-baseline/ }).waitFor()
    const params = page.getByRole('region', { name: 'Parameters' })
    await params.getByRole('rowheader', { name: 'learning_rate' }).waitFor()
    expect(await params.getByRole('row').count()).toBe(13)
    await params.getByLabel('Filter parameters').fill('learning')
    expect(await params.getByRole('row').count()).toBe(1)
    const inputs = page.getByRole('region', { name: 'Inputs' })
    await inputs.getByText('iris', { exact: true }).waitFor()
    await inputs.getByText('training').waitFor()
    await inputs.getByText('sepal_length (double), species (string)').waitFor()
    await page
      .getByRole('region', { name: 'Tags' })
      .getByRole('rowheader', { name: 'team' })
      .waitFor()
    await page.getByRole('link', { name: 'iris' }).first().waitFor()
    await d.watched.screenshot('run-overview')
  })

  it('charts 100,000 points with log scale, time axis and smoothing', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/runs/${d.seeded}`)
    const startMs = Date.now()
    await page.getByRole('tab', { name: 'Metric charts' }).click()
    const loss = page.getByRole('region', { name: 'Metric loss' })
    await loss.getByText('100,000 points').waitFor()
    await loss.locator('canvas').waitFor()
    console.log(`100,000-point chart drawn ${Date.now() - startMs} ms after the click`)
    await page.getByRole('region', { name: 'Metric accuracy' }).locator('canvas').waitFor()
    await d.watched.screenshot('run-charts')

    await page.getByLabel('Log scale').check()
    await page.waitForURL(/log=1/)
    await page.getByLabel('Wall time').check()
    await page.waitForURL(/x=time/)
    await page.getByRole('slider', { name: 'Smoothing' }).fill('0.9')
    await page.waitForURL(/smooth=0\.9/)
    await loss.locator('canvas').waitFor()
    await d.watched.screenshot('run-charts-smoothed')
    await page.reload()
    expect(await page.getByLabel('Log scale').isChecked()).toBe(true)
    expect(await page.getByLabel('Wall time').isChecked()).toBe(true)
  })

  it('follows the system dark theme, charts included', async () => {
    const { page } = d
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${d.server.url}/runs/${d.seeded}?tab=metrics&log=1`)
    await page.getByRole('region', { name: 'Metric loss' }).locator('canvas').waitFor()
    const background = await page.evaluate(
      'getComputedStyle(document.body.parentElement).backgroundColor',
    )
    expect(background).toBe('rgb(15, 17, 21)')
    await d.watched.screenshot('run-charts-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    expect(
      await page.evaluate('getComputedStyle(document.body.parentElement).backgroundColor'),
    ).toBe('rgb(246, 247, 249)')
  })

  it('moves between tabs with the keyboard', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/runs/${d.seeded}`)
    await page.getByRole('tab', { name: 'Overview' }).focus()
    await page.keyboard.press('ArrowRight')
    await page.waitForURL(/tab=metrics/)
    await page.keyboard.press('ArrowRight')
    await page.waitForURL(/tab=artifacts/)
    await page.getByRole('navigation', { name: 'Artifacts' }).waitFor()
  })

  it('previews text, JSON, CSV, images and the model signature', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/runs/${d.seeded}?tab=artifacts`)
    const tree = page.getByRole('navigation', { name: 'Artifacts' })
    await tree.getByRole('button', { name: /notes\.txt/ }).click()
    await page.locator('.code-block').getByText('No early stopping.').waitFor()

    await tree.getByRole('button', { name: /metrics\.json/ }).click()
    await page.locator('.code-block').getByText('"macro": 0.96').waitFor()

    await tree.getByRole('button', { name: 'data/' }).click()
    await tree.getByRole('button', { name: /sample\.csv/ }).click()
    const csv = page.locator('.csv-table')
    await csv.getByRole('cell', { name: '6,2' }).waitFor()
    expect(await csv.getByRole('columnheader').allTextContents()).toEqual([
      'sepal_length',
      'species',
    ])
    await d.watched.screenshot('run-artifact-csv')

    await tree.getByRole('button', { name: 'plots/' }).click()
    await tree.getByRole('button', { name: /curve\.png/ }).click()
    const image = page.getByRole('img', { name: 'Artifact plots/curve.png' })
    await image.waitFor()
    await page.waitForFunction(
      (img: { complete: boolean; naturalWidth: number }) =>
        img.complete && img.naturalWidth === 320,
      await image.elementHandle(),
    )
    await d.watched.screenshot('run-artifact-image')

    await tree.getByRole('button', { name: 'model/' }).click()
    await tree.getByRole('button', { name: /MLmodel/ }).click()
    await page
      .getByRole('table', { name: 'Inputs' })
      .getByRole('cell', { name: 'petal_width' })
      .waitFor()
    await page
      .getByRole('table', { name: 'Outputs' })
      .getByRole('cell', { name: 'species' })
      .waitFor()
    expect(page.url()).toContain('artifact=model%2FMLmodel')
    await d.watched.screenshot('run-artifact-model')
  })
})
