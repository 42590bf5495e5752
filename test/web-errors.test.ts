import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ensureWebBuilt,
  launchBrowser,
  startWebServer,
  type Browser,
  type WatchedPage,
  type WebServer,
} from './support/browser.js'

/*
 * Bad input in the dashboard gives a clear message, never a blank page: unknown ids in the
 * URL, unknown pages, and the server going away. API paths never answer with the page.
 */

const MISSING_RUN = '0123456789abcdef0123456789abcdef'

describe('dashboard: bad input and failures', () => {
  let server: WebServer
  let browser: Browser
  let experimentId: string
  let runId: string
  let watched: WatchedPage

  beforeAll(async () => {
    await ensureWebBuilt()
    server = await startWebServer()
    ;({ experiment_id: experimentId } = await server.post<{ experiment_id: string }>(
      'experiments/create',
      { name: 'lonely' },
    ))
    const { run } = await server.post<{ run: { info: { run_id: string } } }>('runs/create', {
      experiment_id: experimentId,
      run_name: 'only-run',
    })
    runId = run.info.run_id
    browser = await launchBrowser()
  }, 60_000)
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

  it('names an unknown run id and links back', async () => {
    const { page } = watched
    watched.expectFailedRequest(/\/runs\/get\?/)
    await page.goto(`${server.url}/runs/${MISSING_RUN}`)
    const alert = page.getByRole('alert')
    await alert.getByText('Could not open this run').waitFor()
    expect(await alert.textContent()).toContain(MISSING_RUN)
    await watched.screenshot('error-unknown-run')
    await alert.getByRole('link', { name: 'All experiments' }).click()
    await page.getByRole('link', { name: 'lonely' }).waitFor()
  })

  it('names an unknown experiment id', async () => {
    const { page } = watched
    watched.expectFailedRequest(/\/experiments\/get\?/)
    watched.expectFailedRequest(/\/runs\/search$/)
    await page.goto(`${server.url}/experiments/987654`)
    const alert = page.getByRole('alert')
    await alert.getByText('Could not open this experiment').waitFor()
    expect(await alert.textContent()).toContain('987654')
  })

  it('refuses to compare unknown runs or fewer than two', async () => {
    const { page } = watched
    watched.expectFailedRequest(/\/runs\/get\?/)
    await page.goto(`${server.url}/compare?runs=${runId},${MISSING_RUN}`)
    await page.getByRole('alert').getByText(`Run '${MISSING_RUN}' does not exist`).waitFor()
    await page.goto(`${server.url}/compare?runs=${runId}`)
    await page.getByText('Choose 2 to 10 runs to compare').waitFor()
  })

  it('has a page for unknown paths', async () => {
    const { page } = watched
    await page.goto(`${server.url}/no/such/page`)
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
      const response = await fetch(`${server.url}${path}`)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/)
      expect(await response.text(), path).not.toContain('<div id="app">')
    }
    const page = await fetch(`${server.url}/runs/${runId}?tab=artifacts`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<div id="app">')
  })

  it('says the server is down instead of going blank', async () => {
    const { page } = watched
    await page.goto(`${server.url}/experiments`)
    await page.getByRole('link', { name: 'lonely' }).waitFor()
    await server.stop()
    watched.expectFailedRequest(/\/api\/2\.0\/mlflow\//)
    await page.getByRole('link', { name: 'lonely' }).click()
    const alert = page.getByRole('alert')
    await alert.getByText('The server is not responding').waitFor()
    await alert.getByRole('button', { name: 'Retry' }).waitFor()
    await watched.screenshot('error-server-down')
  })
})
