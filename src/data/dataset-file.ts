import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { InvalidStateError } from '../shared/errors.js'
import type { ArtifactStore } from '../store/index.js'

/** sha256 (hex) and size of a file, read as a stream. */
export async function hashFile(path: string): Promise<{ digest: string; sizeBytes: number }> {
  const hash = createHash('sha256')
  let sizeBytes = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    sizeBytes += chunk.length
  }
  return { digest: hash.digest('hex'), sizeBytes }
}

/** The artifact key of a file's content: the same bytes are stored once. */
export function datasetArtifactKey(digest: string): string {
  return `datasets/sha256/${digest}`
}

/**
 * Streams the file at `path` into the artifact store under its content key, hashing on the way;
 * skipped when that content is already stored. @throws InvalidStateError when the bytes no longer
 * hash to `digest` (the file changed while it was being added); nothing is left behind then.
 */
export async function storeFileContent(
  artifacts: ArtifactStore,
  path: string,
  digest: string,
): Promise<string> {
  const key = datasetArtifactKey(digest)
  if (await artifacts.stat(key)) return key
  const hash = createHash('sha256')
  const source = createReadStream(path)
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      callback(null, chunk)
    },
  })
  source.on('error', (err) => hashing.destroy(err))
  await artifacts.put(key, source.pipe(hashing))
  if (hash.digest('hex') !== digest) {
    await artifacts.delete(key)
    throw new InvalidStateError(`'${path}' changed while it was being added; add it again`)
  }
  return key
}

/**
 * Copies a stored file to a private temporary folder (DuckDB reads local paths, and the artifact
 * store may be remote); `release` removes the copy. `fileName` keeps the original extension,
 * which tells DuckDB about compression (`.csv.gz`).
 */
export async function copyStoredFile(
  artifacts: ArtifactStore,
  key: string,
  fileName: string,
): Promise<{ path: string; release: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'lathe-dataset-'))
  const release = () => rm(folder, { recursive: true, force: true })
  try {
    const path = join(folder, fileName)
    await pipeline(await artifacts.get(key), createWriteStream(path, { flags: 'wx', mode: 0o600 }))
    return { path, release }
  } catch (err) {
    await release()
    throw err
  }
}

/** Runs `fn` on a temporary copy of a stored file (see `copyStoredFile`), removed afterwards. */
export async function withStoredFile<T>(
  artifacts: ArtifactStore,
  key: string,
  fileName: string,
  fn: (path: string) => Promise<T>,
): Promise<T> {
  const copy = await copyStoredFile(artifacts, key, fileName)
  try {
    return await fn(copy.path)
  } finally {
    await copy.release()
  }
}

/** A safe local file name with the extension(s) of `source` (`data.csv.gz` for `x/y.csv.gz`). */
export function localFileName(source: string): string {
  const match = /((?:\.[A-Za-z0-9]{1,10}){1,2})$/.exec(source.split(/[\\/]/).pop() ?? '')
  return `data${match?.[1] ?? ''}`
}
