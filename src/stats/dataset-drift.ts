import type { ColumnDriftResult } from './column-drift.js'

/** Options for {@link datasetDrift}. */
export interface DatasetDriftOptions {
  /** Share of drifted columns at which the dataset counts as drifted (default 0.5). */
  driftShare?: number
}

/** Verdict for a dataset. */
export interface DatasetDriftResult {
  /** Columns tested. */
  columnCount: number
  /** Columns that drifted. */
  driftedCount: number
  /** driftedCount / columnCount (0 when there are no columns). */
  driftedShare: number
  /** Whether driftedShare ≥ driftShare. */
  isDrifted: boolean
}

/**
 * Dataset-level drift as Evidently decides it (calculations/data_drift.py `get_dataset_drift`):
 * drifted when the share of drifted columns is at least `driftShare`. With no columns Evidently
 * divides by zero; this reports no drift.
 */
export function datasetDrift(
  columns: readonly Pick<ColumnDriftResult, 'isDrifted'>[],
  options: DatasetDriftOptions = {},
): DatasetDriftResult {
  const driftShare = options.driftShare ?? 0.5
  const driftedCount = columns.filter((c) => c.isDrifted).length
  const driftedShare = columns.length === 0 ? 0 : driftedCount / columns.length
  return {
    columnCount: columns.length,
    driftedCount,
    driftedShare,
    isDrifted: columns.length > 0 && driftedShare >= driftShare,
  }
}
