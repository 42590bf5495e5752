import type { ArtifactStore } from './artifact-store.js'
import type { MetadataStore } from './metadata-store.js'

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }
export type ArtifactConfig = { kind: 'file'; root: string }

/** Opens the configured metadata backend; backends load lazily so each user pays only for its own. */
export async function openMetadataStore(cfg: DatabaseConfig): Promise<MetadataStore> {
  switch (cfg.kind) {
    case 'sqlite': {
      const { openSqliteMetadataStore } = await import('./sqlite-metadata-store.js')
      return openSqliteMetadataStore(cfg.path)
    }
    case 'postgres': {
      const { openPostgresMetadataStore } = await import('./postgres-metadata-store.js')
      return openPostgresMetadataStore(cfg.url)
    }
  }
}

/** Opens the configured artifact backend. */
export async function openArtifactStore(cfg: ArtifactConfig): Promise<ArtifactStore> {
  switch (cfg.kind) {
    case 'file': {
      const { LocalArtifactStore } = await import('./local-artifact-store.js')
      return new LocalArtifactStore(cfg.root)
    }
  }
}
