import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { SqliteDialect } from 'kysely'
import { KyselyMetadataStore } from './kysely-metadata-store.js'

/** Opens (creating if needed) a SQLite metadata file, or `:memory:`. */
export function openSqliteMetadataStore(path: string): KyselyMetadataStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new Database(path)
  // WAL lets readers proceed during writes; NORMAL sync in WAL mode never loses a committed
  // transaction when the process dies, only (at most) the last ones on a power cut.
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  // MLflow's LIKE is case-sensitive (ILIKE is the insensitive one); SQLite's is not by default.
  database.pragma('case_sensitive_like = ON')
  return new KyselyMetadataStore(new SqliteDialect({ database }), 'sqlite')
}
