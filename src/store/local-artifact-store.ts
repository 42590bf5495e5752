import { constants as fsConstants } from 'node:fs'
import {
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  type FileHandle,
} from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { newHexId } from '../shared/ids.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { checkArtifactKey } from './artifact-key.js'
import type { ArtifactInfo, ArtifactStore } from './artifact-store.js'

const PARTIAL = '.partial-'

/** File-system refusals that mean the key cannot name a file here: the client's fault, not ours. */
const KEY_ERRORS: Record<string, string> = {
  ENAMETOOLONG: 'a path segment is too long for the file system',
  ENOTDIR: 'a parent of it is a file',
  EISDIR: 'it is a directory',
  EEXIST: 'a parent of it is a file',
}

function keyError(err: unknown, key: string): unknown {
  const why = KEY_ERRORS[(err as NodeJS.ErrnoException | undefined)?.code ?? '']
  return why ? new InvalidParameterError(`Invalid artifact path '${key}': ${why}`) : err
}

/**
 * Artifacts as files under one root folder. Nothing is ever read, written, listed or deleted
 * outside it: every folder on the way to a key must be a real folder, never a symlink.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly #root: string
  #realRoot: Promise<string> | undefined

  constructor(root: string) {
    this.#root = root
  }

  async put(key: string, body: Readable): Promise<void> {
    const normalised = checkArtifactKey(key)
    const path = (await this.#resolve(normalised, { createParents: true }))!
    // Write beside the target, flush, then rename: readers never see a half-written file, and
    // an acknowledged put survives the process being killed.
    const temporary = `${path}${PARTIAL}${newHexId()}`
    let handle: FileHandle | undefined
    try {
      const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL
      handle = await open(temporary, flags | fsConstants.O_NOFOLLOW, 0o644)
      // Awaiting each write is the back-pressure; a stream pipe would not let us fsync before close.
      for await (const chunk of body) await handle.write(chunk as Uint8Array)
      await handle.sync()
      await handle.close()
      handle = undefined
      if ((await lstat(path).catch(() => undefined))?.isDirectory())
        throw new InvalidParameterError(`Invalid artifact path '${normalised}': it is a directory`)
      await rename(temporary, path)
    } catch (err) {
      await handle?.close().catch(() => undefined)
      await rm(temporary, { force: true }).catch(() => undefined)
      throw keyError(err, normalised)
    }
  }

  async get(key: string): Promise<Readable> {
    const normalised = checkArtifactKey(key)
    const path = await this.#resolve(normalised)
    const info = path === undefined ? undefined : await lstat(path).catch(() => undefined)
    if (!path || !info?.isFile()) throw new NotFoundError(`No artifact file at '${normalised}'`)
    const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW)
    return handle.createReadStream()
  }

  async stat(key: string): Promise<ArtifactInfo | undefined> {
    const normalised = checkArtifactKey(key, { allowRoot: true })
    const path = await this.#resolve(normalised)
    const info = path === undefined ? undefined : await lstat(path).catch(() => undefined)
    if (!info || info.isSymbolicLink()) return undefined
    return info.isDirectory()
      ? { key: normalised, isDir: true }
      : { key: normalised, isDir: false, sizeBytes: info.size }
  }

  async list(prefix: string): Promise<ArtifactInfo[]> {
    const normalised = checkArtifactKey(prefix, { allowRoot: true })
    const dir = await this.#resolve(normalised)
    const info = dir === undefined ? undefined : await lstat(dir).catch(() => undefined)
    if (info?.isSymbolicLink()) this.#refuseLink(normalised)
    if (!dir || !info?.isDirectory()) return []
    const infos: ArtifactInfo[] = []
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.includes(PARTIAL)) continue
      const key = normalised ? `${normalised}/${entry.name}` : entry.name
      if (entry.isDirectory()) infos.push({ key, isDir: true })
      else if (entry.isFile()) {
        const size = (await lstat(join(dir, entry.name)).catch(() => undefined))?.size
        if (size !== undefined) infos.push({ key, isDir: false, sizeBytes: size })
      }
      // Symlinks are neither listed nor followed.
    }
    return infos.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  async delete(key: string): Promise<void> {
    const normalised = checkArtifactKey(key)
    const path = await this.#resolve(normalised)
    // rm removes a symlink itself, never what it points to.
    if (path !== undefined) await rm(path, { recursive: true, force: true })
  }

  /**
   * Maps a checked key to its path under the root, walking its parent folders one by one: a
   * symlink among them is refused (it may lead anywhere), and with `createParents` missing ones
   * are made, each only after its parent was checked. Returns undefined when no file can be at
   * `key` because a parent is missing or is a file.
   */
  async #resolve(key: string, { createParents = false } = {}): Promise<string | undefined> {
    const root = await this.#rootPath()
    if (!key) return root
    const segments = key.split('/')
    let dir = root
    for (const [i, segment] of segments.slice(0, -1).entries()) {
      dir = join(dir, segment)
      let info = await lstat(dir).catch(() => undefined)
      if (!info && createParents) {
        await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw keyError(err, key)
        })
        info = await lstat(dir)
      }
      if (info?.isSymbolicLink()) this.#refuseLink(segments.slice(0, i + 1).join('/'))
      if (info?.isDirectory()) continue
      if (!createParents) return undefined
      throw new InvalidParameterError(`Invalid artifact path '${key}': a parent of it is a file`)
    }
    return join(dir, segments[segments.length - 1]!)
  }

  #refuseLink(key: string): never {
    throw new InvalidParameterError(
      `Invalid artifact path '${key}': it is a symbolic link, which may leave the artifact root`,
    )
  }

  #rootPath(): Promise<string> {
    this.#realRoot ??= mkdir(this.#root, { recursive: true }).then(() => realpath(this.#root))
    return this.#realRoot
  }
}
