import Fastify, { type FastifyInstance } from 'fastify'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { webRoutes } from './web.js'

/** A bare app with the dashboard routes over `root` and a JSON not-found handler. */
async function appOver(root: string): Promise<FastifyInstance> {
  const app = Fastify()
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: 'none' }),
  )
  app.get('/health', async () => 'OK')
  webRoutes(app, { root })
  await app.ready()
  return app
}

describe('dashboard static files', () => {
  let base: string
  let root: string
  let app: FastifyInstance

  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'lathe-web-'))
    root = join(base, 'dist')
    mkdirSync(root)
    app = await appOver(root)
  })
  afterEach(async () => {
    await app.close()
    rmSync(base, { recursive: true, force: true })
  })

  function build(): void {
    mkdirSync(join(root, 'assets'))
    writeFileSync(join(root, 'index.html'), '<div id="app"></div>')
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)')
    writeFileSync(join(root, 'favicon.svg'), '<svg/>')
  }

  it('explains how to build the dashboard when it is not built', async () => {
    const response = await app.inject({ url: '/' })
    expect(response.statusCode).toBe(503)
    expect(response.body).toContain('npm run build')
  })

  it('serves built files with their types and caching', async () => {
    build()
    const script = await app.inject({ url: '/assets/index-abc123.js' })
    expect(script.statusCode).toBe(200)
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(script.headers['cache-control']).toContain('immutable')
    const icon = await app.inject({ url: '/favicon.svg' })
    expect(icon.headers['content-type']).toBe('image/svg+xml')
    const index = await app.inject({ url: '/' })
    expect(index.body).toBe('<div id="app"></div>')
    expect(index.headers['cache-control']).toBe('no-cache')
    expect(index.headers['content-security-policy']).toContain("default-src 'self'")
    expect(index.headers['x-frame-options']).toBe('DENY')
  })

  it('answers app routes with index.html so that reloads work', async () => {
    build()
    for (const url of ['/experiments', '/runs/abc?tab=metrics', '/compare?runs=a,b']) {
      const response = await app.inject({ url })
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['content-type'], url).toBe('text/html; charset=utf-8')
      expect(response.body, url).toBe('<div id="app"></div>')
    }
  })

  it('never answers an API path or a missing asset with the page', async () => {
    build()
    for (const url of [
      '/api/2.0/mlflow/nope',
      '/api',
      '/ajax-api/2.0/mlflow/x',
      '/v2/models/m/infer',
      '/serve/x',
      '/metrics',
      '/health/x',
      '/version',
      '/assets/gone.js',
    ]) {
      const response = await app.inject({ url })
      expect(response.statusCode, url).toBe(404)
      expect(response.json(), url).toEqual({ error_code: 'ENDPOINT_NOT_FOUND', message: 'none' })
    }
    expect((await app.inject({ url: '/health' })).body).toBe('OK')
  })

  it('serves only files inside the bundle', async () => {
    build()
    writeFileSync(join(base, 'secret.txt'), 'secret')
    for (const url of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%E0%A4%A',
    ]) {
      const response = await app.inject({ url })
      expect(response.body, url).not.toContain('secret')
    }
  })
})
