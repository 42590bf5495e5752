import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openMetadataStore } from '../src/store/index.js'
import { testBackends } from './support/backends.js'

const postgres = testBackends.find((b) => b.name === 'postgres')

describe.skipIf(!postgres)('PostgreSQL connection loss (needs LATHE_TEST_POSTGRES_URL)', () => {
  it('survives the server cutting an idle pooled connection, and queries again', async () => {
    const { config, cleanup } = await postgres!.fresh()
    if (config.database.kind !== 'postgres') throw new Error('expected a PostgreSQL config')
    const store = await openMetadataStore(config.database)
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown) => uncaught.push(err)
    process.on('uncaughtException', onUncaught)
    try {
      const db = store.db<Record<string, never>>()
      const backendPid = async () =>
        (
          await db
            .selectNoFrom((eb) => eb.fn<number>('pg_backend_pid', []).as('pid'))
            .executeTakeFirstOrThrow()
        ).pid
      const pid = await backendPid()
      const admin = new pg.Client({ connectionString: process.env.LATHE_TEST_POSTGRES_URL })
      await admin.connect()
      await admin.query('select pg_terminate_backend($1)', [pid])
      await admin.end()
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(uncaught).toEqual([])
      expect(await backendPid()).not.toBe(pid)
    } finally {
      process.off('uncaughtException', onUncaught)
      await store.close()
      await cleanup()
    }
  })
})
