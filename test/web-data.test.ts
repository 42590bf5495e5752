import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { storedInput } from '../src/data/index.js'
import { useDashboard, type WebServer } from './support/browser.js'

/* The data pages: a dataset's profile, drift between two versions, a failed validation. */

/** 200 customers; `shifted` ages them 15 years and moves most of them to plan c. */
function customersCsv(shifted: boolean): string {
  const rows = Array.from({ length: 200 }, (_, i) => {
    const age = 25 + (i % 30) + (shifted ? 15 : 0)
    const plan = shifted && i % 5 !== 0 ? 'c' : ['a', 'b', 'c'][i % 3]
    const amount = shifted && i % 50 === 0 ? -5 : (i % 17) * 3.5
    return `${i},${age},${plan},${amount}`
  })
  return `id,age,plan,amount\n${rows.join('\n')}\n`
}

async function seed(server: WebServer): Promise<{ reportId: string }> {
  const { data } = server.lathe
  const dir = await mkdtemp(join(tmpdir(), 'lathe-web-data-'))
  for (const shifted of [false, true]) {
    const path = join(dir, `customers-${shifted}.csv`)
    await writeFile(path, customersCsv(shifted))
    await data.datasets.add(path, { name: 'customers' })
  }
  await rm(dir, { recursive: true, force: true })
  await data.contracts.register({
    name: 'customers',
    columns: {
      id: { type: 'int', unique: true },
      age: 'int',
      plan: { type: 'string', allowed: ['a', 'b', 'c'] },
      amount: { type: 'float', min: 0 },
    },
  })
  const report = await data.validation.validate({
    data: storedInput('customers:2'),
    contract: 'customers',
    maxExamples: 5,
  })
  return { reportId: report.id }
}

describe('dashboard: data', () => {
  const d = useDashboard(seed)

  it('profiles a version and overlays two versions’ histograms to show drift', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Data' })
      .click()
    await page
      .getByRole('table', { name: 'Datasets' })
      .getByRole('link', { name: 'customers' })
      .click()
    const age = page.getByRole('region', { name: 'Column age' })
    await age.getByRole('img', { name: 'Histogram of age: values' }).waitFor()
    const quantiles = await age
      .getByRole('table', { name: 'Quantiles of age' })
      .locator('td')
      .allTextContents()
    expect(quantiles[0]).toBe('40')
    expect(quantiles.at(-1)).toBe('69')
    const plan = page.getByRole('region', { name: 'Column plan' })
    await plan.getByRole('row', { name: /^c / }).waitFor()
    await d.watched.screenshot('data-profile')

    await page.getByRole('tab', { name: 'Drift' }).click()
    await page.getByText('v2 has not been compared yet').waitFor()
    await page.getByRole('button', { name: 'Compare' }).click()
    await page.waitForURL(/drift=/)
    const ageDrift = page.getByRole('region', { name: 'Drift of age' })
    const overlay = 'Histogram of age: customers:1 and customers:2'
    await ageDrift.getByRole('img', { name: overlay }).waitFor()
    expect(await ageDrift.locator('h3 .badge').textContent()).toBe('drifted')
    await page.getByRole('region', { name: 'Drift of plan' }).getByText('drifted').waitFor()
    await page.getByText(/columns drifted \(customers:1 → customers:2\)/).waitFor()
    await d.watched.screenshot('data-drift')
  })

  it('keeps every comparison as a drift report', async () => {
    const { page } = d
    await d.server.lathe.data.drift.run({ ref: 'customers:1' }, { ref: 'customers:2' })
    await page.goto(`${d.server.url}/data?tab=drift`)
    const reports = page.getByRole('table', { name: 'Drift reports' })
    const row = reports.getByRole('row', { name: /customers:1 customers:2/ }).first()
    expect(await row.locator('.badge').textContent()).toBe('drifted')
    await row.getByRole('link').click()
    await page.waitForURL(/\/data\/drift\//)
    await page
      .getByRole('region', { name: 'Drift of age' })
      .getByRole('img', { name: 'Histogram of age: customers:1 and customers:2' })
      .waitFor()
  })

  it('shows a failed validation report with its failing examples', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/data?tab=reports`)
    const reports = page.getByRole('table', { name: 'Validation reports' })
    await reports.getByRole('link', { name: d.seeded.reportId.slice(0, 12) }).click()
    await page.waitForURL(/\/data\/reports\//)
    const examples = page.getByRole('table', { name: /^Failing examples of amount/ })
    const amounts = await examples.locator('td.danger').allTextContents()
    expect(amounts).toEqual(['-5', '-5', '-5', '-5'])
    await page.getByRole('link', { name: 'customers' }).click()
    await page.waitForURL(/\/data\/contracts\/customers$/)
    await page.getByText('"allowed"').first().waitFor()
    await d.watched.screenshot('data-report')
  })

  it('says so when a dataset does not exist', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/datasets\/nope/)
    await page.goto(`${d.server.url}/data/datasets/nope`)
    await page.getByText('There is no dataset named “nope”').waitFor()
  })
})
