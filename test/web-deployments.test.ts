import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useDashboard, type WebServer } from './support/browser.js'
import { classifierFiles, registerModel, tabularRecords } from './support/serving.js'

/*
 * The deployments page (a canary in progress, live traffic, rolling it back) and the monitoring
 * page of the same deployment (drift per feature, an alert that fired).
 */

async function sendTraffic(server: WebServer, count: number): Promise<void> {
  for (const [i, row] of tabularRecords(count).entries()) {
    const res = await fetch(`${server.url}/serve/churn/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `r${i}` },
      body: JSON.stringify({ dataframe_records: [row] }),
    })
    if (!res.ok) throw new Error(`invocation ${i}: ${res.status} ${await res.text()}`)
  }
  await server.lathe.serving.inferenceLog.flush()
}

async function watchDrift(server: WebServer): Promise<void> {
  const { data, monitoring } = server.lathe
  const dir = await mkdtemp(join(tmpdir(), 'lathe-web-'))
  const train = tabularRecords(200, 1)
  const csv = ['x1,x2,x3,city', ...train.map((r) => [r.x1, r.x2, r.x3 ?? '', r.city].join(','))]
  await writeFile(join(dir, 'train.csv'), `${csv.join('\n')}\n`)
  await data.datasets.add(join(dir, 'train.csv'), { name: 'churn-train' })
  await rm(dir, { recursive: true, force: true })
  const monitor = await monitoring.monitors.create({
    deployment: 'churn',
    kind: 'drift',
    windowMs: 60_000,
    spec: { reference: 'churn-train:1' },
  })
  await monitoring.alerts.createRule({
    monitorId: monitor.id,
    metric: 'drift.share',
    op: 'above',
    threshold: -1,
    forWindows: 1,
    // No such pipeline: the action is tried, and fails, without touching the canary.
    actions: [{ kind: 'retrain', pipeline: 'retrain-churn' }],
  })
  // Ground truth for every request: the answer given, so accuracy is 1.
  const log = await server.lathe.serving.readLog({ deployment: 'churn' })
  const truth = log.map((r) => ({ requestId: r.requestId, labels: [r.outputs![0]!['label']] }))
  await monitoring.feedback.record('churn', truth)
  const performance = await monitoring.monitors.create({
    deployment: 'churn',
    kind: 'performance',
    windowMs: 60_000,
    spec: { labelField: 'label' },
  })
  // Two overlapping windows that both hold every request: two points per series.
  const now = Date.now()
  for (const id of [monitor.id, performance.id]) {
    await monitoring.monitors.run(id, { startMs: now - 60_000, endMs: now + 1000 })
    await monitoring.monitors.run(id, { startMs: now - 59_000, endMs: now + 2000 })
  }
  await server.lathe.events.drain()
}

async function seed(server: WebServer): Promise<void> {
  const { lathe } = server
  // Nothing moves the canary but the test.
  lathe.serving.controller.stop()
  await registerModel(lathe, 'churn', classifierFiles(), ['champion'])
  await registerModel(lathe, 'churn', classifierFiles({ seed: 2 }))
  await lathe.serving.deployments.create({
    name: 'churn',
    model: 'churn',
    alias: 'champion',
    strategy: 'canary',
    config: { canary: { steps: [20, 100], stepSeconds: 3600 } },
  })
  await lathe.serving.deployments.release('churn', { version: 2 })
  await sendTraffic(server, 30)
  await watchDrift(server)
}

describe('dashboard: deployments and monitoring', () => {
  const d = useDashboard(seed)

  it('shows a canary’s split and traffic, and rolls it back after confirmation', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/deployments`)
    await page.getByRole('cell', { name: 'v1 → v2 (canary 20%)' }).waitFor()
    await page.getByRole('link', { name: 'churn', exact: true }).first().click()
    await page.waitForURL(/\/deployments\/churn$/)
    await page.getByRole('img', { name: 'Traffic: v1 80%, v2 20%' }).waitFor()
    await page.getByText('20% → 100% every 3600 s').waitFor()
    const traffic = page.getByRole('table', { name: 'Traffic per version' })
    const stable = traffic.getByRole('row', { name: /^v1 stable/ })
    await stable.waitFor()
    const cells = await stable.locator('td').allTextContents()
    expect(Number(cells[1])).toBeGreaterThan(0)
    expect(cells[3]).toMatch(/ms$/)
    expect(cells[5]).toBe('0.0%')
    await d.watched.screenshot('deployment-canary')

    await page.getByRole('button', { name: 'Roll back' }).click()
    const dialog = page.getByRole('dialog', { name: 'Roll back churn?' })
    await dialog.getByText('v2 stops at once').waitFor()
    await dialog.getByLabel('Reason (optional)').fill('p99 too high')
    await dialog.getByRole('button', { name: 'Roll back' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const history = page.getByRole('table', { name: 'Releases' })
    await history.getByText('rolled back').waitFor()
    await history.getByText('p99 too high').waitFor()
    await page.getByRole('img', { name: 'Traffic: v1 100%' }).waitFor()
    expect(await page.getByRole('button', { name: 'Promote' }).isDisabled()).toBe(true)
    const deployment = await d.server.lathe.serving.deployments.get('churn')
    expect(deployment.release).toMatchObject({ status: 'rolled_back', reason: 'p99 too high' })
    await d.watched.screenshot('deployment-rolled-back')
  })

  it('shows drift per feature and performance over time, and the alert that fired', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/monitoring`)
    await page.getByRole('link', { name: 'churn' }).click()
    await page.waitForURL(/\/monitoring\/churn$/)
    const latest = page.getByRole('table', { name: /^Latest drift of monitor/ })
    await latest.getByRole('row', { name: /^x1/ }).waitFor()
    const features = await latest.locator('tbody th').allTextContents()
    expect(features.sort()).toEqual(['city', 'x1', 'x2', 'x3'])
    await page.getByRole('figure', { name: 'Chart of drift score per feature' }).waitFor()
    const alerts = page.getByRole('table', { name: 'Alert rules' })
    const rule = alerts.getByRole('row', { name: /drift\.share > -1/ })
    await rule.getByText('firing').waitFor()
    await rule.getByText('retrain with retrain-churn').waitFor()
    const taken = page.getByRole('table', { name: 'Triggered actions' })
    const cells = await taken.getByRole('row').nth(1).locator('td').allTextContents()
    expect(cells.slice(2, 4)).toEqual(['retrain', 'failed'])
    await page.getByRole('figure', { name: 'Chart of accuracy' }).waitFor()
    await page.getByText('No operational monitor').waitFor()
    await d.watched.screenshot('monitoring')
  })

  it('opens the deployment and its model version from their lineage', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/deployments/churn`)
    await page.getByRole('main').getByRole('link', { name: 'Lineage' }).click()
    const graph = page.getByRole('group', { name: 'Lineage of deployment churn' })
    await graph
      .getByRole('button', { name: /^model_version churn/ })
      .first()
      .click()
    await page.getByRole('link', { name: 'Open model_version' }).click()
    await page.waitForURL(/\/models\/churn\?version=\d$/)
    await page.getByRole('heading', { name: /^Gate reports of v\d$/ }).waitFor()
  })

  it('says so when a deployment does not exist', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/\/api\/v1\/deployments\/nope/)
    await page.goto(`${d.server.url}/monitoring/nope`)
    await page.getByText('There is no deployment named “nope”').waitFor()
    await page.goto(`${d.server.url}/deployments/nope`)
    await page.getByText('There is no deployment named “nope”').waitFor()
  })
})
