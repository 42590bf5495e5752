export type { MetadataStore, NamedMigration, Ddl, SqlDialect, AnyKysely } from './metadata-store.js'
export { ownTables } from './metadata-store.js'
export type { ArtifactStore, ArtifactInfo } from './artifact-store.js'
export { checkArtifactKey } from './artifact-key.js'
export {
  openMetadataStore,
  openArtifactStore,
  type DatabaseConfig,
  type ArtifactConfig,
} from './open.js'
