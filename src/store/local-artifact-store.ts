import { constants as fsConstants } from 'node:fs'
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { newHexId } from '../shared/ids.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { checkArtifactKey } from './artifact-key.js'
import type { ArtifactInfo, ArtifactStore } from './artifact-store.js'

/** Artifacts as files under one root folder. Nothing is ever read or written outside it. */
export class LocalArtifactStore implements ArtifactStore {
  readonly #root: string
  #realRoot: Promise<string> | undefined

  constructor(root: string) {
    this.#root = root
  }

  async put(key: string, body: Readable): Promise<void> {
    const path = await this.#resolve(checkArtifactKey(key), { createParents: true })
    // Write beside the target, flush, then rename: readers never see a half-written file, and
    // an acknowledged put survives the process being killed.
    const temporary = `${path}.partial-${newHexId()}`
    try {
      const handle = await open(
        temporary,
        fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW,
        0o644,
      )
      await pipeline(body, handle.createWriteStream({ autoClose: false }))
      await handle.sync()
      await handle.close()
      const existing = await lstat(path).catch(() => undefined)
      if (existing?.isDirectory())
        throw new InvalidParameterError(`Artifact path '${key}' is a directory`)
      await rename(temporary, path)
    } catch (err) {
      await rm(temporary, { force: true })
      throw err
    }
  }

  async get(key: string): Promise<Readable> {
    const path = await this.#resolve(checkArtifactKey(key))
    const info = await lstat(path).catch(() => undefined)
    if (!info?.isFile()) throw new NotFoundError(`No artifact file at '${key}'`)
    const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW)
    return handle.createReadStream()
  }

  async stat(key: string): Promise<ArtifactInfo | undefined> {
    const normalised = checkArtifactKey(key, { allowRoot: true })
    const path = await this.#resolve(normalised)
    const info = await lstat(path).catch(() => undefined)
    if (!info || info.isSymbolicLink()) return undefined
    return info.isDirectory()
      ? { key: normalised, isDir: true }
      : { key: normalised, isDir: false, sizeBytes: info.size }
  }

  async list(prefix: string): Promise<ArtifactInfo[]> {
    const normalised = checkArtifactKey(prefix, { allowRoot: true })
    const dir = await this.#resolve(normalised)
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    const infos: ArtifactInfo[] = []
    for (const entry of entries) {
      if (entry.name.includes('.partial-')) continue
      const key = normalised ? `${normalised}/${entry.name}` : entry.name
      if (entry.isDirectory()) infos.push({ key, isDir: true })
      else if (entry.isFile()) {
        const { size } = await stat(join(dir, entry.name))
        infos.push({ key, isDir: false, sizeBytes: size })
      }
      // Symlinks are neither listed nor followed.
    }
    return infos.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  async delete(key: string): Promise<void> {
    const path = await this.#resolve(checkArtifactKey(key))
    await rm(path, { recursive: true, force: true })
  }

  /**
   * Maps a checked key to a path under the root, refusing any whose existing parent resolves
   * (through symlinks) outside the root.
   */
  async #resolve(key: string, { createParents = false } = {}): Promise<string> {
    const root = await this.#rootPath()
    const path = key ? join(root, ...key.split('/')) : root
    const parent = key ? join(root, ...key.split('/').slice(0, -1)) : root
    if (createParents) await mkdir(parent, { recursive: true })
    const realParent = await realpath(parent).catch(() => undefined)
    if (realParent !== undefined && realParent !== root && !realParent.startsWith(root + sep)) {
      throw new InvalidParameterError(`Invalid artifact path '${key}': it leaves the artifact root`)
    }
    return path
  }

  #rootPath(): Promise<string> {
    this.#realRoot ??= mkdir(this.#root, { recursive: true }).then(() => realpath(this.#root))
    return this.#realRoot
  }
}
