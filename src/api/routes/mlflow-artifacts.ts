import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'
import { z } from 'zod'
import type { Lathe } from '../../main.js'
import { checkArtifactKey } from '../../store/index.js'
import { EdgeError } from '../errors.js'

const PREFIX = '/api/2.0/mlflow-artifacts'
const ListQuery = z.object({ path: z.string().optional() })

function keyOf(request: FastifyRequest): string {
  return checkArtifactKey((request.params as { '*': string })['*'] ?? '')
}

function basename(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1)
}

/**
 * MLflow's artifact proxy: PUT uploads, GET downloads, GET ?path= lists, DELETE deletes. Bodies
 * stream straight to and from the artifact store. Multipart upload is answered 501 so clients
 * fall back to single PUTs.
 */
export async function mlflowArtifactRoutes(
  app: FastifyInstance,
  { artifacts }: Lathe,
): Promise<void> {
  // Artifacts are raw bytes of any type: never parse them, and never buffer them.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))

  app.get(`${PREFIX}/artifacts`, async (request) => {
    const { path } = ListQuery.parse(request.query)
    const prefix = checkArtifactKey(path ?? '', { allowRoot: true })
    const files = await artifacts.list(prefix)
    return {
      files: files.map((f) =>
        f.isDir
          ? { path: basename(f.key), is_dir: true }
          : { path: basename(f.key), is_dir: false, file_size: f.sizeBytes },
      ),
    }
  })
  app.put(`${PREFIX}/artifacts/*`, async (request) => {
    const key = keyOf(request)
    const body = request.body as Readable | undefined
    if (!body || typeof body.pipe !== 'function')
      throw new EdgeError(400, 'BAD_REQUEST', 'An artifact upload needs a request body')
    await artifacts.put(key, body)
    return {}
  })
  app.get(`${PREFIX}/artifacts/*`, async (request, reply: FastifyReply) => {
    const key = keyOf(request)
    const stream = await artifacts.get(key)
    return reply.type(contentType(key)).send(stream)
  })
  app.delete(`${PREFIX}/artifacts/*`, async (request) => {
    await artifacts.delete(keyOf(request))
    return {}
  })
  for (const action of ['create', 'complete', 'abort']) {
    app.post(`${PREFIX}/mpu/${action}/*`, async () => {
      throw new EdgeError(
        501,
        'NOT_IMPLEMENTED',
        'Multipart upload is not supported by this artifact store; upload with a single PUT',
      )
    })
  }
}

const TYPES: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/plain; charset=utf-8', // never render uploaded HTML in a browser
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'text/plain; charset=utf-8', // SVG can carry script
  yaml: 'text/plain; charset=utf-8',
  yml: 'text/plain; charset=utf-8',
}

function contentType(key: string): string {
  const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase()
  if (basename(key) === 'MLmodel') return 'text/plain; charset=utf-8'
  return TYPES[extension] ?? 'application/octet-stream'
}
