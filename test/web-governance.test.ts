import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ensureWebBuilt,
  launchBrowser,
  startWebServer,
  type Browser,
  type WatchedPage,
  type WebServer,
} from './support/browser.js'

/* The lineage graph and the audit log pages, over runs that logged dataset inputs. */

interface Seeded {
  readonly trainId: string
  readonly lonelyId: string
}

async function seed(server: WebServer): Promise<Seeded> {
  const { experiment_id } = await server.post<{ experiment_id: string }>('experiments/create', {
    name: 'churn',
  })
  const runId = async (name: string) =>
    (
      await server.post<{ run: { info: { run_id: string } } }>('runs/create', {
        experiment_id,
        run_name: name,
      })
    ).run.info.run_id
  const trainId = await runId('train-gbm')
  const retrainId = await runId('retrain-gbm')
  const lonelyId = await runId('scratch')
  const dataset = (name: string, digest: string, context: string) => ({
    tags: [{ key: 'mlflow.data.context', value: context }],
    dataset: { name, digest, source_type: 'local', source: `data/${name}.csv` },
  })
  await server.post('runs/log-inputs', {
    run_id: trainId,
    datasets: [dataset('customers', 'a1b2', 'training'), dataset('holdout', 'c3d4', 'evaluation')],
  })
  await server.post('runs/log-inputs', {
    run_id: retrainId,
    datasets: [dataset('customers', 'a1b2', 'training')],
  })
  // Lineage and the audit log are event subscribers: deliver what was just written.
  await server.lathe.events.drain()
  return { trainId, lonelyId }
}

describe('dashboard: lineage and audit log', () => {
  let server: WebServer
  let browser: Browser
  let seeded: Seeded
  let watched: WatchedPage

  beforeAll(async () => {
    await ensureWebBuilt()
    server = await startWebServer()
    ;[seeded, browser] = await Promise.all([seed(server), launchBrowser()])
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })
  beforeEach(async () => {
    watched = await browser.newPage()
  })
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      await watched.screenshot(`failed-${task.name.replace(/\W+/g, '-')}`)
    }
    const errors = watched.errors()
    await watched.page.close()
    expect(errors).toEqual([])
  })

  it('draws a run’s lineage and walks from a dataset to every run that used it', async () => {
    const { page } = watched
    await page.goto(`${server.url}/runs/${seeded.trainId}`)
    await page.getByRole('main').getByRole('link', { name: 'Lineage' }).click()
    await page.waitForURL(new RegExp(`/lineage/run/${seeded.trainId}$`))
    const graph = page.getByRole('group', { name: `Lineage of run ${seeded.trainId}` })
    await graph.getByRole('button', { name: 'dataset customers' }).waitFor()
    await graph.getByRole('button', { name: 'dataset holdout' }).waitFor()
    await graph.getByRole('button', { name: 'run train-gbm' }).waitFor()
    await watched.screenshot('lineage-run')

    await graph.getByRole('button', { name: 'dataset customers' }).click()
    const details = page.getByRole('region', { name: 'Selected object' })
    await details.getByText('customers@a1b2').waitFor()
    await details.getByRole('link', { name: 'Center the graph here' }).click()
    await page.waitForURL(
      /\/lineage\/dataset\/customers%40a1b2$|\/lineage\/dataset\/customers@a1b2$/,
    )
    const datasetGraph = page.getByRole('group', { name: /Lineage of dataset customers@a1b2/ })
    await datasetGraph.getByRole('button', { name: 'run retrain-gbm' }).waitFor()
    await datasetGraph.getByRole('button', { name: 'run train-gbm' }).waitFor()
    await watched.screenshot('lineage-dataset')

    await page.getByRole('button', { name: 'Upstream' }).click()
    await page.waitForURL(/direction=up/)
    await page.getByText('Nothing is linked to this object yet').waitFor()
  })

  it('says what makes lineage when a run has none', async () => {
    const { page } = watched
    await page.goto(`${server.url}/lineage/run/${seeded.lonelyId}`)
    await page.getByText('Nothing is linked to this object yet').waitFor()
    await page.goto(`${server.url}/lineage`)
    await page.getByLabel('Id').fill(seeded.trainId)
    await page.getByRole('button', { name: 'Show lineage' }).click()
    await page.getByRole('button', { name: 'dataset holdout' }).waitFor()
  })

  it('lists audit entries, filters them by type and verifies the chain', async () => {
    const { page } = watched
    await page.goto(`${server.url}/experiments`)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Audit log' })
      .click()
    const table = page.locator('.audit-table')
    await table.getByText('run.created').first().waitFor()
    expect(
      await table.getByRole('link', { name: `run:${seeded.trainId}` }).count(),
    ).toBeGreaterThan(0)
    await watched.screenshot('audit')

    await page.getByLabel('Filter by event type').fill('run.created')
    await page.getByLabel('Filter by event type').press('Enter')
    await page.waitForURL(/type=run\.created/)
    await page.waitForFunction(
      (el: { querySelectorAll(s: string): { length: number } } | null) =>
        el?.querySelectorAll('tbody tr').length === 3,
      await table.elementHandle(),
    )
    expect(new Set(await table.locator('tbody .badge').allTextContents())).toEqual(
      new Set(['run.created']),
    )

    await page.getByRole('button', { name: 'Verify the chain' }).click()
    await page
      .getByRole('status')
      .getByText(/^Intact: \d+ entries verified$/)
      .waitFor()
  })
})
