import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely'
import { KyselyMetadataStore } from './kysely-metadata-store.js'
import { checkpointInBackground } from './sqlite-checkpointer.js'

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
  const stopCheckpoints =
    path === ':memory:' ? async () => {} : checkpointInBackground(path, database)
  return new KyselyMetadataStore(
    new SqliteDialect({ database: withStatementCache(database) }),
    'sqlite',
    stopCheckpoints,
  )
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query afresh; preparing costs as much as running for the big inserts of
 * a metric batch. Statements are kept by their SQL text (the oldest prepared dropped first when
 * the cache is full) and a statement still being iterated is never handed out twice.
 */
export function withStatementCache(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>()
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql)
      if (cached && !cached.busy) return cached
      const statement = database.prepare(sql)
      if (!cached && cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
      cache.set(sql, statement)
      return statement
    },
  }
}
