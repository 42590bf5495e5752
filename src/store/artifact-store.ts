import type { Readable } from 'node:stream'

/** One entry of a directory listing. */
export interface ArtifactInfo {
  /** The full key of the entry (`a/b/c.txt`). */
  readonly key: string
  /** True for a directory (a key prefix that holds other keys). */
  readonly isDir: boolean
  /** File size; absent for directories. */
  readonly sizeBytes?: number
}

/**
 * Bytes addressed by key. Keys are `/`-separated, relative, and checked by `checkArtifactKey`
 * before any backend sees them. Bodies stream both ways: nothing buffers a whole file.
 */
export interface ArtifactStore {
  /** Stores `body` at `key`, replacing what was there; visible only once complete. */
  put(key: string, body: Readable): Promise<void>
  /** Streams the bytes at `key`. @throws NotFoundError when there is no file at `key`. */
  get(key: string): Promise<Readable>
  /** Size and kind of what is at `key`, or undefined when nothing is. */
  stat(key: string): Promise<ArtifactInfo | undefined>
  /** The immediate children of directory `prefix` ('' for the root), sorted by key. */
  list(prefix: string): Promise<ArtifactInfo[]>
  /** Deletes the file at `key`, or everything under it when it is a directory. Absent is fine. */
  delete(key: string): Promise<void>
}
