import { describe, expect, it } from 'vitest'
import { createExperiment, createRun, useDashboard, type WebServer } from './support/browser.js'

/*
 * Bad input in the dashboard gives a clear message, never a blank page: unknown ids in the
 * URL, unknown pages, and the server going away. API paths never answer with the page.
 */

const MISSING_RUN = '0123456789abcdef0123456789abcdef'

async function seed(server: WebServer): Promise<{ experimentId: string; runId: string }> {
  const experimentId = await createExperiment(server, 'lonely')
  const { run_id: runId } = await createRun(server, experimentId, { run_name: 'only-run' })
  return { experimentId, runId }
}

describe('dashboard: bad input and failures', () => {
  const d = useDashboard(seed)

  it('names an unknown run id and links back', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/\/runs\/get\?/)
    await page.goto(`${d.server.url}/runs/${MISSING_RUN}`)
    const alert = page.getByRole('alert')
    await alert.getByText('Could not open this run').waitFor()
    expect(await alert.textContent()).toContain(MISSING_RUN)
    await d.watched.screenshot('error-unknown-run')
    await alert.getByRole('link', { name: 'All experiments' }).click()
    await page.getByRole('link', { name: 'lonely' }).waitFor()
  })

  it('names an unknown experiment id', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/\/experiments\/get\?/)
    d.watched.expectFailedRequest(/\/runs\/search$/)
    await page.goto(`${d.server.url}/experiments/987654`)
    const alert = page.getByRole('alert')
    await alert.getByText('Could not open this experiment').waitFor()
    expect(await alert.textContent()).toContain('987654')
  })

  it('refuses to compare unknown runs or fewer than two', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/\/runs\/get\?/)
    await page.goto(`${d.server.url}/compare?runs=${d.seeded.runId},${MISSING_RUN}`)
    await page.getByRole('alert').getByText(`Run '${MISSING_RUN}' does not exist`).waitFor()
    await page.goto(`${d.server.url}/compare?runs=${d.seeded.runId}`)
    await page.getByText('Choose 2 to 10 runs to compare').waitFor()
  })

  it('has a page for unknown paths', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/no/such/page`)
    await page.getByText('There is no page here').waitFor()
    await page.getByRole('link', { name: 'Go to experiments' }).click()
    await page.waitForURL(/\/experiments$/)
  })

  it('answers unknown API paths with JSON errors, never the page', async () => {
    for (const path of [
      '/api/2.0/mlflow/no-such-route',
      '/ajax-api/2.0/mlflow/nope',
      '/v2/models/x',
      '/serve/x',
      '/metrics/x',
      '/health/x',
      '/version/x',
      '/assets/missing-chunk.js',
    ]) {
      // A JSON error from whichever API owns the prefix (V2 serving has its own shape).
      const response = await fetch(`${d.server.url}${path}`)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/)
      expect(await response.text(), path).not.toContain('<div id="app">')
    }
    const page = await fetch(`${d.server.url}/runs/${d.seeded.runId}?tab=artifacts`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<div id="app">')
  })

  it('says the server is down instead of going blank', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page.getByRole('link', { name: 'lonely' }).waitFor()
    await d.server.stop()
    d.watched.expectFailedRequest(/\/api\/2\.0\/mlflow\//)
    await page.getByRole('link', { name: 'lonely' }).click()
    const alert = page.getByRole('alert')
    await alert.getByText('The server is not responding').waitFor()
    await alert.getByRole('button', { name: 'Retry' }).waitFor()
    await d.watched.screenshot('error-server-down')
  })
})
