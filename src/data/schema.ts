/** Tables owned by the data context. Timestamps are epoch milliseconds; JSON is stored as text. */
export interface DataTables {
  /** One stored file under one dataset name; the same bytes under a name are one version. */
  dataset_versions: {
    version_id: string
    name: string
    version: number
    /** sha256 of the file's bytes, hex. */
    digest: string
    artifact_key: string
    format: string
    /** Where the file came from (path or URI), as given. */
    source: string
    size_bytes: number
    row_count: number
    /** JSON: the columns as read (`ColumnInfo[]`). */
    schema: string
    /** JSON: the dataset profile, or null when it could not be computed. */
    profile: string | null
    created_at: number
    created_by: string
  }
  /** Movable names for versions (`golden`). */
  dataset_aliases: { name: string; alias: string; version: number; updated_at: number }
  /** Key/value tags of one version (`reviewed=yes`, `source_system=crm`). */
  dataset_version_tags: {
    name: string
    version: number
    key: string
    value: string
    updated_at: number
  }
  /** Each drift comparison run, kept so it can be listed and read again. */
  drift_reports: {
    report_id: string
    reference_source: string
    reference_version_id: string | null
    current_source: string
    current_version_id: string | null
    /** 1 when the dataset as a whole drifted. */
    is_drifted: number
    drifted_share: number
    /** JSON: the whole `DriftReport`. */
    report: string
    created_at: number
    created_by: string
  }
  /** Each registered contract version; the same body under a name is one version. */
  contracts: {
    name: string
    version: number
    /** JSON: the normalised contract. */
    body: string
    /** sha256 of the canonical JSON body. */
    hash: string
    created_at: number
    created_by: string
  }
  validation_reports: {
    report_id: string
    contract_name: string
    contract_version: number | null
    contract_hash: string
    dataset_version_id: string | null
    dataset_digest: string | null
    source: string
    success: number
    /** JSON: the whole `ValidationReport`. */
    report: string
    created_at: number
    created_by: string
  }
}
