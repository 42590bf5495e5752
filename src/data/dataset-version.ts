import type { Selectable } from 'kysely'
import type { ColumnInfo } from './column-type.js'
import type { DataFormat } from './data-format.js'
import type { DatasetProfile } from './profile/dataset-profile.js'
import type { DataTables } from './schema.js'

/** One stored version of a dataset. */
export interface DatasetVersion {
  /** Stable id (lineage and validation reports point at it). */
  readonly id: string
  readonly name: string
  /** 1, 2, 3… per name. */
  readonly version: number
  /** sha256 of the file's bytes, hex: the content address. */
  readonly digest: string
  readonly format: DataFormat
  /** Where the file came from, as given when it was added. */
  readonly source: string
  readonly sizeBytes: number
  readonly rowCount: number
  readonly schema: ColumnInfo[]
  /** Null when left out of a listing, or when it could not be computed. */
  readonly profile: DatasetProfile | null
  /** Aliases pointing at this version (`golden`). */
  readonly aliases: string[]
  /** Key/value tags of this version. */
  readonly tags: Readonly<Record<string, string>>
  readonly createdAtMs: number
  readonly createdBy: string
}

/** A dataset name with its newest version. */
export interface DatasetSummary {
  readonly name: string
  readonly latestVersion: number
  readonly versionCount: number
  readonly updatedAtMs: number
}

type Row = Selectable<DataTables['dataset_versions']>

/** What points at or describes a version besides its row. */
export interface VersionLabels {
  readonly aliases: string[]
  readonly tags: Readonly<Record<string, string>>
}

/** A stored row as a version; `withProfile` false skips parsing a possibly large profile. */
export function versionFromRow(
  row: Row,
  { aliases, tags }: VersionLabels,
  withProfile = true,
): DatasetVersion {
  return {
    id: row.version_id,
    name: row.name,
    version: Number(row.version),
    digest: row.digest,
    format: row.format as DataFormat,
    source: row.source,
    sizeBytes: Number(row.size_bytes),
    rowCount: Number(row.row_count),
    schema: JSON.parse(row.schema) as ColumnInfo[],
    profile: withProfile && row.profile ? (JSON.parse(row.profile) as DatasetProfile) : null,
    aliases,
    tags,
    createdAtMs: Number(row.created_at),
    createdBy: row.created_by,
  }
}
