import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import type { RunArtifact } from '../tracking/index.js'
import type { HttpTransport } from './http-transport.js'

const SCHEME = 'mlflow-artifacts:'

/**
 * The artifact-proxy URL of `path` under an artifact root the server issued
 * (`mlflow-artifacts:/1/<run>/artifacts`, or `mlflow-artifacts://host/…`, whose host is ignored:
 * the proxy is the server this client talks to).
 */
export function proxyUrl(baseUrl: string, rootUri: string, path: string): string {
  if (!rootUri.startsWith(SCHEME)) {
    throw new Error(
      `Artifact root '${rootUri}' is not served by the artifact proxy; only ${SCHEME} roots are supported`,
    )
  }
  let rest = rootUri.slice(SCHEME.length)
  if (rest.startsWith('//')) rest = rest.slice(rest.indexOf('/', 2) + 1 || rest.length)
  const segments = [...rest.split('/'), ...path.split('/')].filter((s) => s !== '')
  return `${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${segments.map(encodeURIComponent).join('/')}`
}

/** Streams one local file to the proxy with PUT (re-opened on each retry). */
export async function uploadFile(
  transport: HttpTransport,
  url: string,
  localPath: string,
): Promise<void> {
  const response = await transport.request({
    method: 'PUT',
    url,
    headers: { 'content-type': 'application/octet-stream' },
    body: () => createReadStream(localPath),
  })
  // An unread body holds its connection open; read the small JSON answer to free it.
  await response.arrayBuffer()
}

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) files.push(...(await filesUnder(join(dir, entry.name), path)))
    else if (entry.isFile()) files.push(path)
  }
  return files.sort()
}

/** Whether a local path is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory()
}

/** Streams one proxied file to `target`, creating its folder. */
async function downloadFile(transport: HttpTransport, url: string, target: string): Promise<void> {
  const response = await transport.request({ method: 'GET', url })
  await mkdir(dirname(target), { recursive: true })
  if (!response.body) throw new Error(`Empty body downloading ${url}`)
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    createWriteStream(target),
  )
}

/** Where a server-given artifact path lands under `dstDir`; never outside it. */
function localTarget(dstDir: string, path: string): string {
  const root = resolve(dstDir)
  const target = resolve(root, ...path.split('/'))
  if (target !== root && !target.startsWith(root + sep)) {
    throw new Error(`Refusing to write artifact '${path}' outside ${root}`)
  }
  return target
}

/** What a download needs: how to list a directory and where its files are served. */
export interface ArtifactTree {
  list(path: string): Promise<RunArtifact[]>
  urlOf(path: string): string
}

/**
 * Downloads `path` (a file, or a directory recursively, as MLflow's client decides: a path
 * with children is a directory) into `dstDir`, keeping its relative layout. Returns the local path.
 */
export async function downloadTree(
  transport: HttpTransport,
  tree: ArtifactTree,
  path: string,
  dstDir: string,
): Promise<string> {
  const children = await tree.list(path)
  if (children.length === 0 && path !== '') {
    const target = localTarget(dstDir, path)
    await downloadFile(transport, tree.urlOf(path), target)
    return target
  }
  const target = localTarget(dstDir, path)
  await mkdir(target, { recursive: true })
  for (const child of children) {
    if (child.isDir) await downloadTree(transport, tree, child.path, dstDir)
    else await downloadFile(transport, tree.urlOf(child.path), localTarget(dstDir, child.path))
  }
  return target
}
