import type { Kysely, Migration, Transaction } from 'kysely'

/** SQL dialects the metadata store runs on. Only migrations may branch on it (see `Ddl`). */
export type SqlDialect = 'sqlite' | 'postgres'

/**
 * A migration owned by one bounded context. Names are `<context>-<NNNN>-<what>` so that each
 * context's migrations sort in order; contexts never reference each other's tables.
 */
export interface NamedMigration {
  readonly name: string
  /** Applies the change; `ddl` holds the few column types that differ between dialects. */
  up(db: Kysely<unknown>, ddl: Ddl): Promise<void>
}

/** Column types and clauses that differ between SQLite and PostgreSQL. */
export interface Ddl {
  readonly dialect: SqlDialect
  /** An auto-incrementing integer primary-key column type (`integer` on SQLite, `bigserial` on PostgreSQL). */
  readonly autoIncrement: 'integer' | 'bigserial'
}

/**
 * The metadata database. Every context writes its SQL once against the Kysely handle, typed to its
 * own tables only (`db<Tables>()`), so that no context can reach into another's tables.
 */
export interface MetadataStore {
  /** Which dialect is underneath; domain code never branches on it. */
  readonly dialect: SqlDialect
  /** The query builder, typed to the caller's own tables. */
  db<Tables>(): Kysely<Tables>
  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<Tables, R>(fn: (trx: Transaction<Tables>) => Promise<R>): Promise<R>
  /**
   * Inserts many rows with one statement whose text is built once per shape, skipping the query
   * builder (which costs more than the insert itself for a batch of a thousand metric points).
   * Rows that would violate a unique constraint are skipped. For hot paths only: the table and
   * column names are the caller's constants, untyped.
   */
  insertManyIgnoringConflicts(
    db: AnyKysely,
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void>
  /** Applies the migrations not applied yet; safe to call on every start and from many processes. */
  migrate(migrations: readonly NamedMigration[]): Promise<void>
  /** Closes connections; pending queries finish first. */
  close(): Promise<void>
}

/** Narrows a handle typed to another schema (a shared transaction) to the caller's own tables. */
export function ownTables<Tables>(db: AnyKysely): Kysely<Tables> {
  return db as Kysely<Tables>
}

/**
 * A handle typed to any schema: what a context accepts when it joins the caller's transaction
 * (the outbox appends in the transaction of the change it records).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's schema parameter is invariant; `any` is the one type every handle widens to.
export type AnyKysely = Kysely<any>

export type { Migration }
