import type { FastifyInstance, FastifyReply } from 'fastify'
import { createReadStream, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The dashboard bundle, `vite build web` output, beside `src/` and `dist/` in the package. */
const DEFAULT_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url))

/**
 * Paths that belong to APIs: an unknown one there is a JSON 404, never the dashboard, so that
 * a client with a wrong URL gets an error instead of a 200 HTML page.
 */
const API_PATH = /^\/(api|ajax-api|v2|serve|metrics|health|version|invocations|ping)(\/|$)/

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  woff2: 'font/woff2',
}

/** What an HTML page may load: only this origin; styles inline because uPlot sets them. */
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Lathe</title>
<body style="font:16px system-ui;max-width:40em;margin:4em auto;line-height:1.5">
<h1>The Lathe dashboard is not built</h1>
<p>The API is running. To build the dashboard, run <code>npm run build</code> in the Lathe
folder (or <code>npx vite build web</code>), then reload this page.</p></body>`

interface Bundle {
  readonly builtMs: number
  /** URL path (`/assets/x.js`) to file on disk: only these files are ever served. */
  readonly files: ReadonlyMap<string, string>
}

function listFiles(root: string, dir = root, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) listFiles(root, path, out)
    else if (entry.isFile()) out.set(`/${relative(root, path).split(sep).join('/')}`, path)
  }
  return out
}

/** Reads the bundle's file list again only when index.html changed (a rebuild). */
function bundleLoader(root: string): () => Bundle | undefined {
  let cached: Bundle | undefined
  return () => {
    const index = statSync(join(root, 'index.html'), { throwIfNoEntry: false })
    if (!index) return undefined
    if (cached?.builtMs !== index.mtimeMs) {
      cached = { builtMs: index.mtimeMs, files: listFiles(root) }
    }
    return cached
  }
}

function sendFile(reply: FastifyReply, file: string, urlPath: string): FastifyReply {
  const extension = urlPath.slice(urlPath.lastIndexOf('.') + 1).toLowerCase()
  reply.type(TYPES[extension] ?? 'application/octet-stream')
  reply.header('x-content-type-options', 'nosniff')
  // Vite puts a content hash in every asset name, so an asset never changes.
  if (urlPath.startsWith('/assets/')) {
    reply.header('cache-control', 'public, max-age=31536000, immutable')
  } else if (extension === 'html') reply.headers(HTML_HEADERS)
  return reply.send(createReadStream(file))
}

export interface WebRouteOptions {
  /** The folder holding the built dashboard (default: the package's `web/dist`). */
  readonly root?: string
}

/**
 * Serves the dashboard at `/`: built files as they are, and index.html for any other GET so
 * that the single-page app's own routes (`/runs/<id>`) survive a reload. API paths never fall
 * back to the page.
 */
export function webRoutes(app: FastifyInstance, options: WebRouteOptions = {}): void {
  const bundle = bundleLoader(options.root ?? DEFAULT_ROOT)
  app.get('/*', async (request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '/'
    if (API_PATH.test(urlPath)) return reply.callNotFound()
    const current = bundle()
    if (!current) return reply.status(503).type(TYPES.html!).headers(HTML_HEADERS).send(NOT_BUILT)
    let decoded: string
    try {
      decoded = decodeURIComponent(urlPath)
    } catch {
      decoded = urlPath
    }
    const file = current.files.get(decoded)
    if (file) return sendFile(reply, file, decoded)
    // A missing script or stylesheet must fail as such, not load the page in its place.
    if (decoded.startsWith('/assets/')) return reply.callNotFound()
    return sendFile(reply, current.files.get('/index.html')!, '/index.html')
  })
}
