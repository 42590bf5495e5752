import { setTimeout } from 'node:timers/promises'
import { CompiledQuery, Kysely, Migrator, type Dialect, type Transaction } from 'kysely'
import type { AnyKysely, Ddl, MetadataStore, NamedMigration, SqlDialect } from './metadata-store.js'

const SQLITE_MIGRATE_ATTEMPTS = 5
const INSERT_TEXT_CACHE_SIZE = 200

/**
 * The one MetadataStore implementation: Kysely already abstracts the dialect, so each backend
 * only supplies its Kysely `Dialect` (connection) and the DDL differences.
 */
export class KyselyMetadataStore implements MetadataStore {
  readonly #db: Kysely<unknown>
  readonly #ddl: Ddl
  readonly #insertTexts = new Map<string, string>()

  /** @param afterClose runs once the connections are closed (a SQLite store's checkpointer) */
  constructor(
    dialect: Dialect,
    sqlDialect: SqlDialect,
    private readonly afterClose: () => Promise<void> = async () => {},
  ) {
    this.#db = new Kysely<unknown>({ dialect })
    this.#ddl = {
      dialect: sqlDialect,
      autoIncrement: sqlDialect === 'sqlite' ? 'integer' : 'bigserial',
    }
  }

  get dialect(): SqlDialect {
    return this.#ddl.dialect
  }

  db<Tables>(): Kysely<Tables> {
    return this.#db as Kysely<Tables>
  }

  transaction<Tables, R>(fn: (trx: Transaction<Tables>) => Promise<R>): Promise<R> {
    return (this.#db as Kysely<Tables>).transaction().execute(fn)
  }

  async insertManyIgnoringConflicts(
    db: AnyKysely,
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void> {
    if (rows.length === 0) return
    const shape = `${table}(${columns.join(',')})x${rows.length}`
    let text = this.#insertTexts.get(shape)
    if (text === undefined) {
      text = insertText(this.#ddl.dialect, table, columns, rows.length)
      if (this.#insertTexts.size >= INSERT_TEXT_CACHE_SIZE)
        this.#insertTexts.delete(this.#insertTexts.keys().next().value!)
      this.#insertTexts.set(shape, text)
    }
    const parameters: unknown[] = []
    for (const row of rows) {
      if (row.length !== columns.length)
        throw new Error(
          `insert into ${table}: a row has ${row.length} values for ${columns.length} columns`,
        )
      parameters.push(...row)
    }
    await db.executeQuery(CompiledQuery.raw(text, parameters))
  }

  async migrate(migrations: readonly NamedMigration[]): Promise<void> {
    const ddl = this.#ddl
    const byName = Object.fromEntries(
      migrations.map((m) => [m.name, { up: (db: Kysely<unknown>) => m.up(db, ddl) }]),
    )
    const migrator = new Migrator({
      db: this.#db,
      provider: { getMigrations: async () => byName },
      // Each context numbers its own migrations; a later context may add an older-sorting name.
      allowUnorderedMigrations: true,
      migrationTableName: 'lathe_migrations',
      migrationLockTableName: 'lathe_migrations_lock',
    })
    for (let attempt = 1; ; attempt++) {
      const { error, results } = await migrator.migrateToLatest()
      if (!error) return
      // Kysely's migration lock is a no-op on SQLite, so two processes starting together both
      // see a migration pending; the loser fails on what the winner just created, its
      // transaction rolls back whole, and a retry finds the migration applied.
      if (this.#ddl.dialect === 'sqlite' && attempt < SQLITE_MIGRATE_ATTEMPTS) {
        await setTimeout(attempt * 50)
        continue
      }
      const failed = results?.find((r) => r.status === 'Error')?.migrationName
      throw new Error(`Migration ${failed ?? '(unknown)'} failed`, { cause: error })
    }
  }

  async close(): Promise<void> {
    await this.#db.destroy()
    await this.afterClose()
  }
}

function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`
}

/** `insert into "t" ("a", "b") values (?, ?), … on conflict do nothing` in the dialect's placeholders. */
function insertText(
  dialect: SqlDialect,
  table: string,
  columns: readonly string[],
  rowCount: number,
): string {
  let n = 0
  const placeholder = dialect === 'postgres' ? () => `$${++n}` : () => '?'
  const tuples: string[] = []
  for (let r = 0; r < rowCount; r++) tuples.push(`(${columns.map(placeholder).join(', ')})`)
  return `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${tuples.join(', ')} on conflict do nothing`
}
