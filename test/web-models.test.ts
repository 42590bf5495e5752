import { describe, expect, it } from 'vitest'
import { runAs } from '../src/shared/actor.js'
import { createExperiment, createRun, useDashboard, type WebServer } from './support/browser.js'

/* The models pages: the list, a model's versions, gate reports, and deciding an approval. */

async function seed(server: WebServer): Promise<{ approveId: string; rejectId: string }> {
  const { registry } = server.lathe
  const experimentId = await createExperiment(server, 'churn')
  const { run_id: runId } = await createRun(server, experimentId, { run_name: 'train' })
  await server.post('runs/log-metric', { run_id: runId, key: 'auc', value: 0.91, timestamp: 1 })
  await registry.models.create({ name: 'churn' })
  await registry.versions.create({ name: 'churn', source: 'mlflow-artifacts:/0/v1' })
  await registry.versions.create({ name: 'churn', source: `runs:/${runId}/model`, runId })
  await registry.aliases.set('churn', 'staging', 1)
  await registry.gates.setPolicy('churn', {
    gates: [{ kind: 'metric', metric: 'auc', op: '>=', threshold: 0.8 }],
    protectedAliases: ['production'],
    approvalAliases: ['production'],
  })
  await registry.gates.evaluate('churn', '2', {})
  // The browser acts as the server's OS user; the requests come from someone else.
  const request = (version: number, reason: string) =>
    runAs('alice', () =>
      registry.approvals.request({ name: 'churn', version, alias: 'production', reason }),
    )
  const approveId = (await request(2, 'AUC up 3 points')).id
  const rejectId = (await request(1, 'Roll back to the old one')).id
  return { approveId, rejectId }
}

describe('dashboard: models', () => {
  const d = useDashboard(seed)

  it('lists models and shows a version’s gate report with its values', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Models' })
      .click()
    await page.getByRole('row', { name: /churn 2 awaiting approval/ }).waitFor()
    await page.getByRole('link', { name: 'churn' }).click()
    await page.waitForURL(/\/models\/churn$/)
    await page.getByRole('heading', { name: 'Gate reports of v2' }).waitFor()
    const gates = page.getByRole('table', { name: /^Gates of report/ })
    const row = gates.getByRole('row', { name: /auc/ })
    expect(await row.locator('td').allTextContents()).toEqual([
      'metric',
      'pass',
      '0.91',
      '0.8',
      expect.stringContaining('logged auc = 0.91') as unknown as string,
    ])
    await page.getByRole('button', { name: 'Show v1' }).click()
    await page.getByText('This version has not been evaluated').waitFor()
    await page.getByRole('link', { name: 'Lineage of version 2' }).waitFor()
    await d.watched.screenshot('models')
  })

  it('approves a version from the UI, which moves the alias', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/models/churn`)
    const request = page.getByRole('form', { name: `Approval request ${d.seeded.approveId}` })
    await request.getByText('AUC up 3 points').waitFor()
    await request.getByRole('button', { name: 'Approve' }).click()
    await request.getByRole('alert').getByText('Write a comment to approve').waitFor()
    await request.getByLabel('Comment (required)').fill('Checked the holdout, ship it')
    await request.getByRole('button', { name: 'Approve' }).click()
    const decided = page.getByRole('table', { name: 'Decided requests' })
    const row = decided.getByRole('row', { name: /Checked the holdout, ship it/ })
    expect(await row.locator('.badge').textContent()).toBe('approved')
    await page.locator('.page-header').getByText('production → v2').waitFor()
    expect(await page.getByRole('form', { name: /^Approval request/ }).count()).toBe(1)
    await d.watched.screenshot('models-approved')
  })

  it('rejects a request with a comment, leaving the alias where it was', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/models/churn`)
    const request = page.getByRole('form', { name: `Approval request ${d.seeded.rejectId}` })
    await request.getByRole('button', { name: 'Reject' }).click()
    await request.getByRole('alert').getByText('Write a comment to reject').waitFor()
    await request.getByLabel('Comment (required)').fill('v1 fails the fairness review')
    await request.getByRole('button', { name: 'Reject' }).click()
    const row = page
      .getByRole('table', { name: 'Decided requests' })
      .getByRole('row', { name: /v1 fails the fairness review/ })
    expect(await row.locator('.badge').textContent()).toBe('rejected')
    expect(await page.locator('.page-header .badge').allTextContents()).not.toContain(
      'production → v1',
    )
  })

  it('says so when a model does not exist', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/registered-models\/get/)
    await page.goto(`${d.server.url}/models/nope`)
    await page.getByText('There is no model named “nope”').waitFor()
  })
})
