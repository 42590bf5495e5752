import { z } from 'zod'
import { QueryInt } from './common.js'

/**
 * Lathe's data routes (`/api/v1/datasets`, `/contracts`, `/validation-reports`, `/drift`,
 * `/drift-reports`).
 */

const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/, 'must be letters, digits, _ . - (at most 200)')
const Version = z.coerce.number().int('must be an integer').min(1, 'versions start at 1')
/** A dataset version (`name`, `name:3`, `name@alias`) or an artifact URI (`mlflow-artifacts:/…`). */
const VersionRef = z.string().min(1, 'must not be empty').max(300)

export const DatasetParams = z.object({ name: Name })
export const DatasetVersionParams = z.object({ name: Name, version: Version })
export const AliasParams = z.object({ name: Name, alias: z.string().min(1).max(64) })
export const SetAlias = z.object({ alias: z.string().min(1).max(64), version: Version })
export const TagParams = z.object({ name: Name, version: Version, key: z.string().min(1).max(250) })
/** `POST /api/v1/datasets/{name}/versions/{version}/tags`: set (or overwrite) one tag. */
export const SetTag = z.strictObject({
  key: z.string().min(1, 'must not be empty').max(250),
  value: z.string().max(5000),
})

export const ContractParams = z.object({ name: Name })
export const ContractVersionParams = z.object({ name: Name, version: Version })
export const ContractDiffQuery = z.object({ from: Version, to: Version })

export const ReportParams = z.object({ id: z.string().min(1).max(100) })
export const ReportQuery = z.object({
  dataset_version_id: z.string().min(1).max(100).optional(),
  contract: Name.optional(),
  max_results: QueryInt.min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
})

/** `POST /api/v1/validation-reports`: validate a stored dataset version against a stored contract. */
export const Validate = z.strictObject({
  dataset: VersionRef,
  /** `name` or `name:2`. */
  contract: z.string().min(1).max(300),
  max_examples: z.number().int().min(0).max(100).default(5),
})

export const DriftReportQuery = z.object({
  /** Reports with this version as reference or current. */
  dataset_version_id: z.string().min(1).max(100).optional(),
  max_results: QueryInt.min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
})

/** `POST /api/v1/drift`: compare two stored dataset versions column by column. */
export const Drift = z.strictObject({
  reference: VersionRef,
  current: VersionRef,
  /** Only these columns (all shared columns by default). */
  columns: z.array(z.string().min(1)).max(1000).optional(),
  test: z.enum(['ks', 'chisquare', 'z', 'psi', 'jensenshannon', 'wasserstein']).optional(),
  threshold: z.number().finite().optional(),
  drift_share: z.number().min(0).max(1).default(0.5),
})
export type Drift = z.infer<typeof Drift>
