export { Tracking } from './tracking.js'
export type { TrackingDeps } from './deps.js'
export type * from './model.js'
export { trackingMigrations } from './migrations.js'
export { artifactKeyOf, artifactUriOf } from './artifact-location.js'
export { parseFilter, type FilterClause, type FilterSchema } from './search-filter.js'
export { parseOrderBy } from './search-order.js'
export { comparison } from './filter-sql.js'
export { decodePageToken, encodePageToken } from './page-token.js'
export { MAX_SEARCH_RESULTS } from './run-search.js'
export type { RunArtifact } from './run-artifacts.js'
export type * from './logged-model.js'
export { FINAL_LOGGED_MODEL_STATUSES } from './logged-model.js'
export {
  MAX_LOGGED_MODEL_RESULTS,
  type SearchLoggedModels,
  type LoggedModelOrder,
  type DatasetRef,
} from './logged-model-search.js'
