import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newHexId } from '../src/shared/ids.js'
import { testBackends } from './support/backends.js'
import { startMlflowServer } from './support/mlflow-client.js'

/*
 * The artifact proxy under attack: request targets written byte for byte on a raw socket (so
 * that no client resolves `..` or drops a fragment first), and the same through app.inject.
 * None may read, write, list or delete outside the artifact root.
 */

const PREFIX = '/api/2.0/mlflow-artifacts/artifacts'
const SECRET = 'top-secret-contents'

/** Sends one request exactly as written and returns the status and body. */
function rawRequest(
  port: number,
  method: string,
  target: string,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)
      resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4) })
    })
    socket.write(
      `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  })
}

/** Path shapes from MLflow's traversal CVEs; `NAME` is replaced with a fresh file name. */
const HOSTILE_PATHS = [
  '../NAME',
  '../../NAME',
  '0/../../NAME',
  '0/../../../../../../../../etc/passwd',
  '%2e%2e/NAME',
  '%2E%2E/%2E%2E/NAME',
  '%252e%252e/%252e%252e/NAME',
  '..%2fNAME',
  '..%2F..%2FNAME',
  '%2e%2e%2f%2e%2e%2fNAME',
  '..%5c..%5cNAME',
  '..\\..\\NAME',
  '0\\..\\..\\NAME',
  '0/a.txt;/../../NAME',
  '0/..;/..;/NAME',
  '0/x%3b/../../NAME',
  '/etc/passwd',
  '//etc/passwd',
  '//proc/self/root/etc/passwd',
  '%2fetc%2fpasswd',
  '%2f%2fproc%2fself%2froot%2fetc%2fpasswd',
  'C:%5cWindows%5cwin.ini',
  'C:/Windows/win.ini',
  '0/NAME%00.txt',
  '0/%2500/NAME',
  '..%00/NAME',
  '.%2e/NAME',
  '%2e./NAME',
]

/** Shapes whose `#`/`?` part never reaches the route: the part before it must stay inside. */
const CUT_PATHS = ['1/x#/../../NAME', '1/x?/../../NAME', '1/x%23/../../NAME', '1/x%3f/../../NAME']

for (const backend of testBackends) {
  describe(`artifact proxy paths (${backend.name})`, () => {
    let server: Awaited<ReturnType<typeof startMlflowServer>>
    let root: string
    let port: number
    let secretDir: string
    beforeAll(async () => {
      server = await startMlflowServer(backend)
      port = Number(new URL(server.url).port)
      root = server.lathe.config.artifacts.root
      secretDir = join(server.lathe.config.home, 'secret-dir')
      mkdirSync(secretDir, { recursive: true })
      writeFileSync(join(secretDir, 'secret.txt'), SECRET)
      mkdirSync(join(root, '0'), { recursive: true })
      writeFileSync(join(root, '0', 'inside.txt'), 'inside')
      symlinkSync(secretDir, join(root, '0', 'link'))
    })
    afterAll(async () => server.close())

    /** Where a traversal from the root (or from `0/`) would land, one and two levels up. */
    function landingSpots(name: string): string[] {
      return [join(dirname(root), name), join(dirname(dirname(root)), name)]
    }

    function expectRefused(result: { status: number; body: string }, what: string): void {
      expect(result.status, what).toBeGreaterThanOrEqual(400)
      expect(result.status, what).toBeLessThan(500)
      expect(result.body, what).not.toContain(SECRET)
      expect(result.body, what).not.toContain('root:x:0:0')
    }

    it('refuses every hostile shape on a raw socket for PUT, GET, DELETE and list', async () => {
      for (const shape of HOSTILE_PATHS) {
        const name = `outside-${newHexId()}.txt`
        const path = shape.replace('NAME', name)
        for (const method of ['PUT', 'GET', 'DELETE']) {
          const result = await rawRequest(port, method, `${PREFIX}/${path}`, 'pwned')
          expectRefused(result, `${method} ${path}`)
          expect(JSON.parse(result.body), `${method} ${path}`).toHaveProperty('error_code')
        }
        expectRefused(await rawRequest(port, 'GET', `${PREFIX}?path=${path}`), `list ${path}`)
        for (const spot of landingSpots(name))
          expect(existsSync(spot), `${path} → ${spot}`).toBe(false)
      }
      expect(readFileSync(join(root, '0', 'inside.txt'), 'utf8')).toBe('inside')
    })

    // light-my-request resolves `..` as a URL parser does, so a shape may arrive as a harmless
    // path inside the root: what matters is that nothing outside is touched and nothing fails.
    it('keeps the same shapes inside the root through app.inject', async () => {
      for (const shape of HOSTILE_PATHS) {
        const name = `outside-${newHexId()}.txt`
        const path = shape.replace('NAME', name)
        for (const method of ['PUT', 'GET', 'DELETE'] as const) {
          const response = await server.app.inject({
            method,
            url: `${PREFIX}/${path}`,
            headers: { 'content-type': 'application/octet-stream' },
            payload: method === 'PUT' ? 'pwned' : undefined,
          })
          expect(response.statusCode, `${method} ${path}`).toBeLessThan(500)
          expect(response.body, `${method} ${path}`).not.toContain(SECRET)
          expect(response.body, `${method} ${path}`).not.toContain('root:x:0:0')
        }
        for (const spot of landingSpots(name))
          expect(existsSync(spot), `${path} → ${spot}`).toBe(false)
      }
    })

    it('keeps fragments and query parts from carrying a traversal anywhere', async () => {
      for (const shape of CUT_PATHS) {
        const name = `outside-${newHexId()}.txt`
        const path = shape.replace('NAME', name)
        const put = await rawRequest(port, 'PUT', `${PREFIX}/${path}`, 'harmless')
        expect(put.status, path).toBeLessThan(500)
        for (const spot of landingSpots(name))
          expect(existsSync(spot), `${path} → ${spot}`).toBe(false)
        expectRefused(
          await rawRequest(port, 'GET', `${PREFIX}/${path.replace('x', 'no-such')}`),
          path,
        )
      }
    })

    it('never follows a symlink inside the root that points outside it', async () => {
      const attempts = [
        ['GET', `${PREFIX}/0/link/secret.txt`],
        ['GET', `${PREFIX}/0/link`],
        ['GET', `${PREFIX}?path=0/link`],
        ['PUT', `${PREFIX}/0/link/secret.txt`],
        ['PUT', `${PREFIX}/0/link/new-dir/new.txt`],
        ['DELETE', `${PREFIX}/0/link/secret.txt`],
      ] as const
      for (const [method, target] of attempts) {
        expectRefused(await rawRequest(port, method, target, 'pwned'), `${method} ${target}`)
      }
      const listing = await rawRequest(port, 'GET', `${PREFIX}?path=0`)
      expect(JSON.parse(listing.body)).toEqual({
        files: [{ path: 'inside.txt', is_dir: false, file_size: 6 }],
      })
      expect(readFileSync(join(secretDir, 'secret.txt'), 'utf8')).toBe(SECRET)
      expect(existsSync(join(secretDir, 'new-dir'))).toBe(false)
    })

    it('answers uploads the file system cannot hold with 400, never 500', async () => {
      const put = (path: string) => rawRequest(port, 'PUT', `${PREFIX}/${path}`, 'x')
      expect((await put('2/file.txt')).status).toBe(200)
      const refusals = [
        ['2/file.txt/child.txt', 'a parent of it is a file'],
        ['2', 'it is a directory'],
        [`2/${'n'.repeat(300)}.txt`, 'a path segment is too long for the file system'],
      ]
      for (const [path, why] of refusals) {
        const result = await put(path!)
        expect([result.status, JSON.parse(result.body).message], path).toEqual([
          400,
          `Invalid artifact path '${path}': ${why}`,
        ])
      }
      expect((await rawRequest(port, 'GET', `${PREFIX}/2`)).status).toBe(404)
      expect(
        (await rawRequest(port, 'POST', '/api/2.0/mlflow-artifacts/mpu/create/2/big.bin')).status,
      ).toBe(501)
    })

    it('refuses traversal in the run artifact listing (artifacts/list?path=)', async () => {
      const run = await server.client.createRun('0')
      for (const path of ['..', '../..', '../../../etc', '/etc', '%2e%2e', '..%2f..', 'a/../..']) {
        const response = await server.app.inject({
          method: 'GET',
          url: `/api/2.0/mlflow/artifacts/list?run_id=${run.info.run_id}&path=${path}`,
        })
        expect([response.statusCode, response.json().error_code], path).toEqual([
          400,
          'INVALID_PARAMETER_VALUE',
        ])
      }
    })
  })
}
