import { execFileSync, execSync } from 'node:child_process'
import { Agent, request } from 'node:http'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { buildServer } from '../../src/api/server.js'
import { openLathe, type Lathe } from '../../src/main.js'
import { testBackends } from './backends.js'

/*
 * Browser tests drive Debian's Chromium through playwright-core against a real server on a
 * port, with the dashboard built by Vite as `npm ci` builds it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WEB = join(ROOT, 'web')
const DIST_INDEX = join(WEB, 'dist', 'index.html')
export const ARTIFACTS_DIR = join(ROOT, 'test', 'artifacts')

function newestMtimeMs(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtimeMs(join(path, name))))
}

function isBuildFresh(): boolean {
  const built = statSync(DIST_INDEX, { throwIfNoEntry: false })
  if (!built) return false
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => join(WEB, p))
  return Math.max(...sources.map(newestMtimeMs)) <= built.mtimeMs
}

/**
 * Builds web/dist when it is missing or older than web/src. Test files run in parallel
 * workers, so the first one takes a lock directory and the others wait for it.
 */
export async function ensureWebBuilt(): Promise<void> {
  const lock = join(WEB, '.build-lock')
  for (;;) {
    if (isBuildFresh()) return
    try {
      mkdirSync(lock)
    } catch {
      // A lock older than two minutes belongs to a worker that died mid-build.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0)
      if (age > 120_000) rmSync(lock, { recursive: true, force: true })
      await new Promise((resolve) => setTimeout(resolve, 200))
      continue
    }
    try {
      if (!isBuildFresh()) {
        execFileSync(
          process.execPath,
          [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', WEB],
          {
            cwd: ROOT,
            stdio: 'pipe',
          },
        )
      }
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
}

/** A Lathe listening on 127.0.0.1 (SQLite, fresh home) with an HTTP client for seeding. */
export interface WebServer {
  readonly url: string
  readonly lathe: Lathe
  /** POSTs JSON to an MLflow REST path (`runs/create`) and returns the parsed answer. */
  post<T = Record<string, unknown>>(path: string, body: object): Promise<T>
  /** Uploads one artifact file of a run through the artifact proxy. */
  putArtifact(artifactUri: string, path: string, body: string | Uint8Array): Promise<void>
  /** Stops answering (the "server down" case); `close` cleans up either way. */
  stop(): Promise<void>
  close(): Promise<void>
}

export async function startWebServer(): Promise<WebServer> {
  const { config, cleanup } = await testBackends[0]!.fresh()
  const lathe = await openLathe(config)
  const app = await buildServer(lathe)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  // Seeding sends thousands of requests: node:http with keep-alive costs a third less CPU
  // than fetch, and the server shares this process's two cores.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  let isStopped = false
  const stop = async () => {
    if (isStopped) return
    isStopped = true
    agent.destroy()
    await app.close()
  }
  return {
    url,
    lathe,
    post: (path, body) => postJson(agent, `${url}/api/2.0/mlflow/${path}`, body),
    async putArtifact(artifactUri, path, body) {
      const root = artifactUri.replace(/^mlflow-artifacts:\/*/, '')
      const response = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body,
      })
      if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`)
    },
    stop,
    async close() {
      await stop()
      await lathe.close()
      await cleanup()
    },
  }
}

function postJson<T>(agent: Agent, url: string, body: object): Promise<T> {
  const data = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(data),
    }
    const req = request(url, { method: 'POST', agent, headers }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => {
        if (response.statusCode === 200) resolve(JSON.parse(text) as T)
        else reject(new Error(`${url}: ${response.statusCode} ${text}`))
      })
    })
    req.on('error', reject)
    req.end(data)
  })
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      await task(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
}

function chromiumPath(): string {
  try {
    return execSync('command -v chromium', { shell: '/bin/sh', encoding: 'utf8' }).trim()
  } catch {
    throw new Error('Chromium is not installed: apt-get install -y chromium (see .ci/run)')
  }
}

/** A browser page plus every console error and uncaught exception it produced. */
export interface WatchedPage {
  readonly page: Page
  /**
   * Chromium logs every 4xx/5xx or refused request as a console error. A test that provokes
   * one on purpose (a bad filter, an unknown id) names its URL here; nothing else is excused.
   */
  expectFailedRequest(url: RegExp): void
  /** Console errors and page errors so far, minus the expected failed requests. */
  errors(): string[]
  /** Saves test/artifacts/web-<name>.png. */
  screenshot(name: string): Promise<void>
}

export interface Browser {
  newPage(viewport?: { width: number; height: number }): Promise<WatchedPage>
  close(): Promise<void>
}

/** Launches Chromium with a fresh profile, headless, with networking extras turned off. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'lathe-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
    ],
  })
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  return {
    async newPage(viewport) {
      const page = await context.newPage()
      // Fail with Playwright's own message (what it waited for) before the test times out.
      page.setDefaultTimeout(10_000)
      if (viewport) await page.setViewportSize(viewport)
      return watch(page)
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

function watch(page: Page): WatchedPage {
  const entries: { text: string; url: string }[] = []
  const expected: RegExp[] = []
  page.on('console', (message) => {
    if (message.type() === 'error')
      entries.push({ text: message.text(), url: message.location().url })
  })
  page.on('pageerror', (error) =>
    entries.push({ text: `Uncaught ${error.stack ?? error}`, url: '' }),
  )
  return {
    page,
    expectFailedRequest: (url) => expected.push(url),
    errors: () =>
      entries
        .filter(
          (e) =>
            !(
              /^Failed to load resource/.test(e.text) &&
              expected.some((pattern) => pattern.test(e.url))
            ),
        )
        .map((e) => (e.url ? `${e.text} (${e.url})` : e.text)),
    async screenshot(name) {
      await page.screenshot({ path: join(ARTIFACTS_DIR, `web-${name}.png`), fullPage: false })
    },
  }
}

/** Creates an experiment through the MLflow API and returns its id. */
export async function createExperiment(server: WebServer, name: string): Promise<string> {
  return (await server.post<{ experiment_id: string }>('experiments/create', { name }))
    .experiment_id
}

/** Creates a run (a name, optional extra fields of `runs/create`) and returns its info. */
export async function createRun(
  server: WebServer,
  experimentId: string,
  fields: { run_name?: string; start_time?: number; tags?: object[] } = {},
): Promise<{ run_id: string; artifact_uri: string }> {
  const { run } = await server.post<{ run: { info: { run_id: string; artifact_uri: string } } }>(
    'runs/create',
    { experiment_id: experimentId, ...fields },
  )
  return run.info
}

/** One run to seed: its name and start, and what it logged. */
export interface RunSeed {
  readonly name: string
  readonly startTime?: number
  readonly tags?: readonly { key: string; value: string }[]
  readonly params?: readonly { key: string; value: string }[]
  readonly metrics?: readonly { key: string; value: number; timestamp: number; step?: number }[]
  /** Ends the run in this state at `endTime`; left RUNNING otherwise. */
  readonly status?: 'FINISHED' | 'FAILED' | 'KILLED'
  readonly endTime?: number
}

/**
 * Seeds runs through the in-process tracking service, `concurrency` at a time, and returns their
 * ids in order. The pages under test read them back over HTTP; writing them in-process skips
 * thousands of request round trips the tests do not need.
 */
export async function seedRuns(
  server: WebServer,
  experimentId: string,
  seeds: readonly RunSeed[],
  concurrency = 8,
): Promise<string[]> {
  const { runs } = server.lathe.tracking
  const ids: string[] = []
  await inParallel(seeds, concurrency, async (seed, i) => {
    const run = await runs.create({
      experimentId,
      runName: seed.name,
      startTime: seed.startTime,
      tags: seed.tags,
    })
    const runId = run.info.runId
    ids[i] = runId
    if (seed.params?.length || seed.metrics?.length) {
      const metrics = seed.metrics?.map((m) => ({ ...m, step: m.step ?? 0 }))
      await runs.logBatch(runId, { params: seed.params, metrics })
    }
    if (seed.status) await runs.update(runId, { status: seed.status, endTime: seed.endTime })
  })
  return ids
}

/** What a dashboard suite gets: its server, what `seed` returned, and this test's page. */
export interface Dashboard<S> {
  readonly server: WebServer
  readonly seeded: S
  readonly watched: WatchedPage
  readonly page: Page
}

/**
 * The lifecycle every dashboard suite shares: one server and browser per file (seeded while the
 * browser starts), a fresh page per test, a screenshot when a test fails, and a failure on any
 * console error the test did not expect. Call inside `describe`.
 */
export function useDashboard<S>(
  seed: (server: WebServer) => Promise<S>,
  viewport?: { width: number; height: number },
): Dashboard<S> {
  let server: WebServer | undefined
  let browser: Browser | undefined
  let seeded: S | undefined
  let watched: WatchedPage | undefined
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
    watched = await browser!.newPage(viewport)
  })
  afterEach(async ({ task }) => {
    if (!watched) return
    if (task.result?.state === 'fail') {
      await watched.screenshot(`failed-${task.name.replace(/\W+/g, '-')}`)
    }
    const errors = watched.errors()
    await watched.page.close()
    expect(errors).toEqual([])
  })
  return {
    get server() {
      return server!
    },
    get seeded() {
      return seeded as S
    },
    get watched() {
      return watched!
    },
    get page() {
      return watched!.page
    },
  }
}
