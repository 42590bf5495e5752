import { stat } from 'node:fs/promises'
import type { NumericSample } from '../stats/index.js'
import type { DataFormat } from './data-format.js'
import type { DataInput } from './data-input.js'
import type { DatasetService } from './dataset-service.js'
import type { DatasetVersion } from './dataset-version.js'
import {
  driftProfiles,
  type DriftOptions,
  type ExactSamples,
  type ProfileDrift,
} from './drift/drift-profiles.js'
import type { DatasetProfile } from './profile/dataset-profile.js'
import { readNumericSamples } from './profile/numeric-samples.js'
import { readDataset, readHistogramEdges } from './read-dataset.js'
import { readDatasetInWorker } from './read-dataset-worker.js'

/** Which data a profile or drift side describes. */
export interface DataSide {
  readonly source: string
  readonly format: DataFormat
  readonly rowCount: number
  readonly versionId?: string | undefined
  readonly digest?: string | undefined
}

/** Drift between two datasets, with the profiles it was computed from (for plots). */
export interface DriftReport extends ProfileDrift {
  readonly reference: DataSide
  readonly current: DataSide
}

type Edges = Record<string, readonly number[]>

/** One side: what data it is, and its profile. */
interface Profiled {
  readonly data: DataSide
  readonly profile: DatasetProfile
}

/** Files at least this large are profiled on a worker thread when two are read at once. */
const WORKER_MIN_BYTES = 4 * 1024 * 1024

// 2M numbers per side: 32 MB at 16 bytes each (the values, then their sorted copy).
const EXACT_VALUES = 2_000_000

/** Profiles and drift of files or stored versions; stored versions reuse their stored profile. */
export class ProfileService {
  constructor(private readonly datasets: DatasetService) {}

  /** The profile of a file (one read) or a stored version (no read). */
  async profile(input: DataInput): Promise<Profiled> {
    return this.#profiled(input, {})
  }

  /**
   * Drift of `current` from `reference`, column by column and for the dataset, from their
   * profiles. A current file is profiled on the reference's histogram edges, so bins line up.
   */
  async drift(
    reference: DataInput,
    current: DataInput,
    options: DriftOptions = {},
  ): Promise<{
    report: DriftReport
    profiles: { reference: DatasetProfile; current: DatasetProfile }
  }> {
    const both = await this.#profiledBoth(reference, current)
    const ref = both.ref
    let cur = both.cur
    const edges = edgesOf(ref.profile)
    const limit = options.maxExactValues ?? EXACT_VALUES
    const exact = await this.#exactSamples(reference, current, {
      ref: ref.profile,
      cur: cur.profile,
      limit,
    })
    let drift = driftProfiles(ref.profile, cur.profile, options, exact)
    // PSI and Jensen-Shannon compare histograms bin by bin; a stored current profile has bins of
    // its own, so those tests need it counted again on the reference's bins.
    if (
      'ref' in current &&
      drift.columns.some((c) => c.skipped?.includes('share histogram edges'))
    ) {
      cur = await this.#profiled(current, edges, { rescan: true })
      drift = driftProfiles(ref.profile, cur.profile, options, exact)
    }
    return {
      report: { ...drift, reference: ref.data, current: cur.data },
      profiles: { reference: ref.profile, current: cur.profile },
    }
  }

  /**
   * Both sides' profiles, the current one on the reference's histogram edges. When both are files
   * to read, the reference's edges come first from one pass of aggregates, then the two are
   * profiled at once, the current one on a worker thread: on two cores the slower of the two
   * reads, not their sum.
   */
  async #profiledBoth(
    reference: DataInput,
    current: DataInput,
  ): Promise<{ ref: Profiled; cur: Profiled }> {
    const stored = async (input: DataInput) =>
      'ref' in input && (await this.datasets.get(input.ref)).profile !== undefined
    if ((await stored(reference)) || (await stored(current))) {
      const ref = await this.#profiled(reference, {})
      return { ref, cur: await this.#profiled(current, edgesOf(ref.profile)) }
    }
    const edges = await this.datasets.withInput(reference, (file) =>
      readHistogramEdges(file.path, file.format),
    )
    const [ref, cur] = await Promise.all([
      this.#profiled(reference, edges),
      this.#profiled(current, edges, { inWorker: true }),
    ])
    return { ref, cur }
  }

  /** Every value of the shared numerical columns, when both sides are small enough. */
  async #exactSamples(
    reference: DataInput,
    current: DataInput,
    {
      ref: refProfile,
      cur: curProfile,
      limit,
    }: { ref: DatasetProfile; cur: DatasetProfile; limit: number },
  ): Promise<ExactSamples | undefined> {
    const numeric = (p: DatasetProfile) =>
      p.columns.filter((c) => c.kind === 'numerical').map((c) => c.name)
    const shared = numeric(refProfile).filter((name) => numeric(curProfile).includes(name))
    const size = Math.max(refProfile.rowCount, curProfile.rowCount) * shared.length
    if (shared.length === 0 || size > limit) return undefined
    return {
      reference: await this.#samples(reference, shared),
      current: await this.#samples(current, shared),
    }
  }

  #samples(input: DataInput, columns: string[]): Promise<ReadonlyMap<string, NumericSample>> {
    return this.datasets.withInput(input, (file) =>
      readNumericSamples(file.path, file.format, columns),
    )
  }

  /** A stored version's stored profile, or a profile read from the file. */
  async #profiled(
    input: DataInput,
    edges: Edges,
    { rescan = false, inWorker = false } = {},
  ): Promise<Profiled> {
    const version = 'ref' in input ? await this.datasets.get(input.ref) : undefined
    if (version?.profile && !rescan) return { data: sideOf(version), profile: version.profile }
    const known = version ? { ref: { name: version.name, version: version.version } } : input
    return this.datasets.withInput(known, async (file) => {
      // A worker costs a start (~0.2 s) that only a large file pays back.
      const worker = inWorker && (await stat(file.path)).size >= WORKER_MIN_BYTES
      const read = await (worker ? readDatasetInWorker : readDataset)(file.path, file.format, {
        edges,
      })
      const data = version
        ? sideOf(version)
        : { source: file.source, format: read.format, rowCount: read.rowCount }
      return { data, profile: read.profile }
    })
  }
}

function sideOf(version: DatasetVersion): DataSide {
  return {
    source: `${version.name}:${version.version}`,
    format: version.format,
    rowCount: version.rowCount,
    versionId: version.id,
    digest: version.digest,
  }
}

function edgesOf(profile: DatasetProfile): Edges {
  const edges: Edges = {}
  for (const column of profile.columns)
    if (column.numeric) edges[column.name] = column.numeric.histogram.edges
  return edges
}
