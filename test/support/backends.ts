import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { loadConfig, type Config } from '../../src/config.js'
import { newHexId } from '../../src/shared/ids.js'

/** A metadata backend the storage-touching suites run against. */
export interface TestBackend {
  readonly name: 'sqlite' | 'postgres'
  /** A configuration on a fresh, empty database and artifact folder; `cleanup` removes both. */
  fresh(): Promise<{ config: Config; cleanup: () => Promise<void> }>
}

/**
 * The PostgreSQL server the suites use, from LATHE_TEST_POSTGRES_URL (set by .ci/run); each
 * suite gets its own fresh database on it.
 */
const postgresUrl = process.env.LATHE_TEST_POSTGRES_URL

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'lathe-test-'))
}

const sqlite: TestBackend = {
  name: 'sqlite',
  async fresh() {
    const home = tempHome()
    const config = loadConfig({ home }, {}, home)
    return { config, cleanup: async () => rmSync(home, { recursive: true, force: true }) }
  },
}

const postgres: TestBackend = {
  name: 'postgres',
  async fresh() {
    const home = tempHome()
    const database = `lathe_test_${newHexId().slice(0, 12)}`
    await adminQuery(`create database ${database}`)
    const url = new URL(postgresUrl!)
    url.pathname = `/${database}`
    const config = loadConfig({ home, databaseUrl: url.toString() }, {}, home)
    return {
      config,
      cleanup: async () => {
        rmSync(home, { recursive: true, force: true })
        await adminQuery(`drop database if exists ${database} with (force)`)
      },
    }
  },
}

/** SQLite always; PostgreSQL when LATHE_TEST_POSTGRES_URL is set (CI sets it). */
export const testBackends: readonly TestBackend[] = postgresUrl ? [sqlite, postgres] : [sqlite]
