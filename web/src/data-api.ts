import { seg, v1 } from './native-api'

/* Dataset versions, contracts, validation reports and drift (`/api/v1/datasets` and friends). */

export interface DatasetSummary {
  readonly name: string
  readonly latest_version: number
  readonly version_count: number
  readonly updated_at: number
}

export interface Histogram {
  readonly edges: readonly number[]
  readonly counts: readonly number[]
  readonly underflow: number
  readonly overflow: number
}

export interface NumericProfile {
  readonly kind: 'numerical'
  readonly count: number
  readonly missingCount: number
  readonly infiniteCount: number
  readonly min: number | null
  readonly max: number | null
  readonly mean: number | null
  readonly m2: number
  readonly histogram: Histogram
  /** A KLL sketch: level h holds items that each stand for 2^h values. */
  readonly sketch: { readonly n: number; readonly levels: readonly (readonly number[])[] }
}

export interface CategoricalProfile {
  readonly kind: 'categorical'
  readonly count: number
  readonly missingCount: number
  readonly otherCount: number
  readonly categories: readonly [string | number | boolean, number][]
}

export interface ColumnProfile {
  readonly name: string
  readonly type: string
  readonly kind: 'numerical' | 'categorical' | 'datetime'
  readonly nullCount: number
  readonly distinctCount: number | null
  readonly numeric?: NumericProfile
  readonly categorical?: CategoricalProfile
  readonly datetime?: { readonly min: string | null; readonly max: string | null }
}

export interface DatasetVersion {
  readonly id: string
  readonly name: string
  readonly version: number
  readonly digest: string
  readonly format: string
  readonly source: string
  readonly size_bytes: number
  readonly row_count: number
  readonly schema: readonly { name: string; type: string }[]
  readonly profile: { readonly rowCount: number; readonly columns: readonly ColumnProfile[] } | null
  readonly aliases: readonly string[]
  readonly created_at: number
  readonly created_by: string
}

export async function datasets(signal?: AbortSignal): Promise<DatasetSummary[]> {
  return (await v1<{ datasets: DatasetSummary[] }>('datasets', { signal })).datasets
}

export async function datasetVersions(
  name: string,
  signal?: AbortSignal,
): Promise<DatasetVersion[]> {
  const path = `datasets/${seg(name)}/versions`
  const { versions } = await v1<{ versions: DatasetVersion[] }>(path, { signal })
  return [...versions].sort((a, b) => b.version - a.version)
}

/** One version with its profile. */
export async function datasetVersion(
  name: string,
  version: number,
  signal?: AbortSignal,
): Promise<DatasetVersion> {
  const path = `datasets/${seg(name)}/versions/${version}`
  return (await v1<{ version: DatasetVersion }>(path, { signal })).version
}

export interface ContractSummary {
  readonly name: string
  readonly latest_version: number
  readonly updated_at: number
}

export interface Contract {
  readonly name: string
  readonly version: number
  readonly hash: string
  readonly body: unknown
  readonly created_at: number
  readonly created_by: string
}

export async function contracts(signal?: AbortSignal): Promise<ContractSummary[]> {
  return (await v1<{ contracts: ContractSummary[] }>('contracts', { signal })).contracts
}

export async function contractVersions(name: string, signal?: AbortSignal): Promise<Contract[]> {
  const { versions } = await v1<{ versions: Contract[] }>(`contracts/${seg(name)}`, { signal })
  return [...versions].sort((a, b) => b.version - a.version)
}

export interface ExpectationResult {
  readonly expectation: string
  readonly columns: readonly string[]
  readonly description: string
  readonly success: boolean
  readonly observed: unknown
  readonly failing_count: number | null
  readonly examples: readonly Record<string, unknown>[]
}

export interface ValidationReport {
  readonly id: string
  readonly success: boolean
  readonly contract: { readonly name: string; readonly version: number | null }
  readonly dataset: {
    readonly source: string
    readonly format: string
    readonly row_count: number
    readonly version_id: string | null
  }
  readonly statistics: {
    readonly evaluated: number
    readonly passed: number
    readonly failed: number
  }
  readonly created_at: number
  readonly created_by: string
  readonly results?: readonly ExpectationResult[]
}

export async function validationReports(
  filter: { contract?: string; dataset_version_id?: string },
  signal?: AbortSignal,
): Promise<ValidationReport[]> {
  const query = { ...filter, max_results: 1000 }
  return (await v1<{ reports: ValidationReport[] }>('validation-reports', { query, signal }))
    .reports
}

export async function validationReport(
  id: string,
  signal?: AbortSignal,
): Promise<ValidationReport> {
  const path = `validation-reports/${seg(id)}`
  return (await v1<{ report: ValidationReport }>(path, { signal })).report
}

export interface ColumnDrift {
  readonly name: string
  readonly kind: string
  readonly skipped: string | null
  readonly test?: string
  readonly statistic?: number
  readonly p_value?: number | null
  readonly score?: number
  readonly threshold?: number
  readonly is_drifted?: boolean
}

/** One side of a comparison: `customers:2` for a stored version. */
export interface DriftSide {
  readonly source: string
  readonly row_count: number
  readonly version_id: string | null
}

/** A stored drift report; a listed one comes without its columns. */
export interface DriftReport {
  readonly id: string
  readonly created_at: number
  readonly created_by: string
  readonly reference: DriftSide
  readonly current: DriftSide
  readonly dataset: {
    readonly column_count: number
    readonly drifted_count: number
    readonly drifted_share: number
    readonly is_drifted: boolean
  }
  readonly columns?: readonly ColumnDrift[]
}

/** Compares two stored versions (`name:3`) column by column; the report is stored. */
export async function compareVersions(reference: string, current: string): Promise<DriftReport> {
  const body = { reference, current }
  return (await v1<{ report: DriftReport }>('drift', { body })).report
}

/** Stored drift reports, newest first, optionally those with this version on either side. */
export async function driftReports(
  filter: { dataset_version_id?: string },
  signal?: AbortSignal,
): Promise<DriftReport[]> {
  const query = { ...filter, max_results: 1000 }
  return (await v1<{ reports: DriftReport[] }>('drift-reports', { query, signal })).reports
}

export async function driftReport(id: string, signal?: AbortSignal): Promise<DriftReport> {
  return (await v1<{ report: DriftReport }>(`drift-reports/${seg(id)}`, { signal })).report
}
