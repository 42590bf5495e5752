import type { Readable } from 'node:stream'
import { checkArtifactKey } from '../store/index.js'
import { artifactKeyOf } from './artifact-location.js'
import type { TrackingDeps } from './deps.js'
import type { RunService } from './run-service.js'

/** A file or folder under a run's artifact root, with its path relative to that root. */
export interface RunArtifact {
  readonly path: string
  readonly isDir: boolean
  readonly sizeBytes?: number | undefined
}

/** A run's artifacts, addressed by paths relative to the run's artifact root. */
export class RunArtifactService {
  constructor(
    private readonly deps: TrackingDeps,
    private readonly runs: RunService,
  ) {}

  /** The immediate children of `path` ('' for the root). */
  async list(runId: string, path = ''): Promise<{ rootUri: string; files: RunArtifact[] }> {
    const { root, rootUri } = await this.#root(runId)
    const relative = checkArtifactKey(path, { allowRoot: true })
    const prefix = relative ? `${root}/${relative}` : root
    const entries = await this.deps.artifacts.list(prefix)
    const files = entries.map((e) => ({
      path: e.key.slice(root.length + 1),
      isDir: e.isDir,
      sizeBytes: e.sizeBytes,
    }))
    return { rootUri, files }
  }

  /** Stores one artifact file of the run at `path`. */
  async put(runId: string, path: string, body: Readable): Promise<void> {
    const { root } = await this.#root(runId)
    await this.deps.artifacts.put(`${root}/${checkArtifactKey(path)}`, body)
  }

  /** Streams one artifact file of the run. */
  async get(runId: string, path: string): Promise<Readable> {
    const { root } = await this.#root(runId)
    return this.deps.artifacts.get(`${root}/${checkArtifactKey(path)}`)
  }

  async #root(runId: string): Promise<{ root: string; rootUri: string }> {
    const run = await this.runs.get(runId)
    return { root: artifactKeyOf(run.info.artifactUri), rootUri: run.info.artifactUri }
  }
}
