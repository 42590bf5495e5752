import { PostgresDialect } from 'kysely'
import pg from 'pg'
import { KyselyMetadataStore } from './kysely-metadata-store.js'

const INT8_OID = 20
const NUMERIC_OID = 1700

/** Connects to PostgreSQL. Counts and millisecond timestamps (int8) come back as numbers. */
export function openPostgresMetadataStore(url: string): KyselyMetadataStore {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      // int8 values here are counts and epoch milliseconds, far below 2^53.
      if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value)
      return pg.types.getTypeParser(oid, format)
    },
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, types })
  // An idle pooled connection can be cut by the server (restart, failover, admin termination).
  // The pool drops that client and opens a new one on the next query; without a listener the
  // 'error' event would instead crash the whole process.
  pool.on('error', () => {})
  return new KyselyMetadataStore(new PostgresDialect({ pool }), 'postgres')
}
