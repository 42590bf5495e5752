import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { pipeline } from '../src/pipelines/index.js'
import { useDashboard, type WebServer } from './support/browser.js'

/* The pipelines pages: runs, a run's DAG with live step states, logs, a failure, a rerun. */

const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/pipelines/hello/${name}`, import.meta.url))

async function seed(server: WebServer): Promise<{ helloId: string; failingId: string }> {
  const { pipelines } = server.lathe
  await pipelines.catalog.register(fixture('pipeline.yaml'))
  const hello = await pipelines.run('hello')
  await hello.done
  const failing = await pipelines.run(fixture('failing.yaml'))
  await failing.done.catch(() => undefined)
  return { helloId: hello.runId, failingId: failing.runId }
}

describe('dashboard: pipelines', () => {
  const d = useDashboard(seed)

  it('draws a run’s DAG, shows a step’s log, and reruns it from the cache', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Pipelines' })
      .click()
    const runs = page.getByRole('table', { name: 'Pipeline runs' })
    await runs.getByRole('row', { name: /failing failed/ }).waitFor()
    await runs.getByRole('link', { name: d.seeded.helloId.slice(0, 12) }).click()
    const dag = page.getByRole('group', { name: 'Pipeline steps' })
    await dag.getByRole('button', { name: 'step greet succeeded' }).waitFor()
    await dag.getByRole('button', { name: 'step shout succeeded' }).click()
    await page.waitForURL(/step=shout/)
    await dag.getByRole('button', { name: 'step greet succeeded' }).click()
    await page.getByLabel('Log of greet').getByText('greeted').waitFor()
    await d.watched.screenshot('pipeline-run')

    await page.getByRole('checkbox', { name: 'Reuse cached steps' }).check()
    await page.getByRole('button', { name: 'Rerun' }).click()
    await page.waitForURL((url) => !url.pathname.endsWith(d.seeded.helloId))
    const rerun = page.getByRole('group', { name: 'Pipeline steps' })
    await rerun.getByRole('button', { name: 'step greet cached' }).waitFor()
    await rerun.getByRole('button', { name: 'step shout cached' }).waitFor()
    await page.getByText('Rerun of').waitFor()
    expect(await page.locator('h1 .badge').textContent()).toBe('succeeded')
  })

  it('follows a running step to the end without a reload', async () => {
    const { page } = d
    let finish!: () => void
    const released = new Promise<void>((resolve) => (finish = resolve))
    const live = pipeline('live')
      .step('wait', { run: async () => released.then(() => ({ ok: true })) })
      .step('after', { needs: ['wait'], run: () => 1 })
    const started = await d.server.lathe.pipelines.run(live)
    await page.goto(`${d.server.url}/pipelines/runs/${started.runId}`)
    const dag = page.getByRole('group', { name: 'Pipeline steps' })
    await dag.getByRole('button', { name: 'step wait running' }).waitFor()
    await dag.getByRole('button', { name: 'step after pending' }).waitFor()
    await d.watched.screenshot('pipeline-running')
    finish()
    await started.done
    await dag.getByRole('button', { name: 'step after succeeded' }).waitFor()
    expect(await page.locator('h1 .badge').textContent()).toBe('succeeded')
  })

  it('opens a failed run at its failing step with the error and log', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/pipelines/runs/${d.seeded.failingId}`)
    const dag = page.getByRole('group', { name: 'Pipeline steps' })
    await dag.getByRole('button', { name: 'step broken failed' }).waitFor()
    await page.getByLabel('Log of broken').getByText('no such column: plan').waitFor()
    const steps = page.getByRole('table', { name: 'Step runs' })
    expect(await steps.locator('tbody .badge').allTextContents()).toEqual([
      'succeeded',
      'failed',
      'skipped',
    ])
    await d.watched.screenshot('pipeline-failed')
  })

  it('says so when a run does not exist', async () => {
    const { page } = d
    d.watched.expectFailedRequest(/pipelines\/runs\/nope/)
    await page.goto(`${d.server.url}/pipelines/runs/nope`)
    await page.getByText('There is no pipeline run “nope”').waitFor()
  })
})
