export {
  Lineage,
  DEFAULT_LINEAGE_DEPTH,
  MAX_LINEAGE_DEPTH,
  type LineageDeps,
  type GraphOptions,
} from './lineage.js'
export type * from './model.js'
export { lineageMigrations } from './migrations.js'
export { trackingLineageRules } from './tracking-lineage-rules.js'
export { registryLineageRules } from './registry-lineage-rules.js'
export { dataLineageRules } from './data-lineage-rules.js'
