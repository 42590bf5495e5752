import type { Data } from '../data/index.js'
import type { EventDispatcher } from '../events/index.js'
import type { Registry } from '../registry/index.js'
import type { Clock } from '../shared/clock.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'

/** What serving reads from the registry, through its services. */
export interface ModelVersions {
  /** Where a version's files are (`mlflow-artifacts:/…`). @throws NotFoundError */
  location(model: string, version: number): Promise<string>
  /** The version an alias points at. @throws NotFoundError */
  aliasVersion(model: string, alias: string): Promise<number>
}

/** A stored dataset version as serving uses it: golden sets and batch-scoring lineage. */
export interface DatasetFile {
  readonly id: string
  readonly name: string
  readonly version: number
  readonly digest: string
  readonly format: string
}

/** What serving reads from the data context, through its services. */
export interface Datasets {
  /** The version a reference names (`name`, `name:3`, `name@golden`). @throws NotFoundError */
  get(ref: string): Promise<DatasetFile>
  /** Runs `fn` on a local copy of the version's file. */
  withFile<T>(version: DatasetFile, fn: (path: string) => Promise<T>): Promise<T>
  /** Stored versions with this content sha256. */
  findByDigest(digest: string): Promise<DatasetFile[]>
  /** The first `limit` rows of the version `ref` names, as plain values. @throws NotFoundError */
  rows(ref: string, limit: number): Promise<Record<string, unknown>[]>
}

/** What the serving services need from the outside world. */
export interface ServingDeps {
  readonly store: MetadataStore
  readonly artifacts: ArtifactStore
  readonly clock: Clock
  readonly events: EventDispatcher
  readonly registry: ModelVersions
  readonly datasets?: Datasets | undefined
}

/** The registry's services as serving reads them. */
export function registryVersions(registry: Registry): ModelVersions {
  return {
    location: async (model, version) =>
      (await registry.versions.get(model, version)).storageLocation,
    aliasVersion: async (model, alias) => (await registry.aliases.getVersion(model, alias)).version,
  }
}

/** The data context's services as serving reads them. */
export function dataDatasets(data: Data): Datasets {
  const datasets = data.datasets
  return {
    get: (ref) => datasets.get(ref),
    withFile: (version, fn) =>
      datasets.withFile(version as Parameters<typeof datasets.withFile>[0], fn),
    findByDigest: (digest) => datasets.findByDigest(digest),
    // Read by the data context's streaming reader: any format it reads, one batch in memory.
    rows: async (ref, limit) => {
      const scan = data.reader.scan({ ref }, { batchRows: limit })
      const first = await scan.next()
      await scan.return(undefined)
      return first.done ? [] : first.value.rows
    },
  }
}
