import { describe, expect, it } from 'vitest'
import { createExperiment, createRun, useDashboard, type WebServer } from './support/browser.js'

/* The lineage graph and the audit log pages, over runs that logged dataset inputs. */

interface Seeded {
  readonly trainId: string
  readonly lonelyId: string
}

async function seed(server: WebServer): Promise<Seeded> {
  const experimentId = await createExperiment(server, 'churn')
  const runId = async (name: string) =>
    (await createRun(server, experimentId, { run_name: name })).run_id
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
  const d = useDashboard(seed)

  it('draws a run’s lineage and walks from a dataset to every run that used it', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/runs/${d.seeded.trainId}`)
    await page.getByRole('main').getByRole('link', { name: 'Lineage' }).click()
    await page.waitForURL(new RegExp(`/lineage/run/${d.seeded.trainId}$`))
    const graph = page.getByRole('group', { name: `Lineage of run ${d.seeded.trainId}` })
    await graph.getByRole('button', { name: 'dataset customers' }).waitFor()
    await graph.getByRole('button', { name: 'dataset holdout' }).waitFor()
    await graph.getByRole('button', { name: 'run train-gbm' }).waitFor()
    await d.watched.screenshot('lineage-run')

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
    await d.watched.screenshot('lineage-dataset')

    await page.getByRole('button', { name: 'Upstream' }).click()
    await page.waitForURL(/direction=up/)
    await page.getByText('Nothing is linked to this object yet').waitFor()
  })

  it('says what makes lineage when a run has none', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/lineage/run/${d.seeded.lonelyId}`)
    await page.getByText('Nothing is linked to this object yet').waitFor()
    await page.goto(`${d.server.url}/lineage`)
    await page.getByLabel('Id').fill(d.seeded.trainId)
    await page.getByRole('button', { name: 'Show lineage' }).click()
    await page.getByRole('button', { name: 'dataset holdout' }).waitFor()
  })

  it('lists audit entries, filters them by type and verifies the chain', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Audit log' })
      .click()
    const table = page.locator('.audit-table')
    await table.getByText('run.created').first().waitFor()
    expect(
      await table.getByRole('link', { name: `run:${d.seeded.trainId}` }).count(),
    ).toBeGreaterThan(0)
    await d.watched.screenshot('audit')

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
