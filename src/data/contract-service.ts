import type { Selectable } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { NotFoundError } from '../shared/errors.js'
import { jsonHash } from './canonical-json.js'
import type { Contract } from './contract.js'
import { diffContracts, type ContractDiff } from './contract-diff.js'
import type { DataDeps } from './deps.js'
import { parseContract } from './parse-contract.js'
import { retryOnConflict } from './retry-on-conflict.js'
import type { DataTables } from './schema.js'
import { parseVersionRef, type VersionRef } from './version-ref.js'

/** A contract as stored: one version of a name. */
export interface StoredContract {
  readonly name: string
  readonly version: number
  /** sha256 of the canonical JSON body: equal bodies, equal hashes. */
  readonly hash: string
  readonly contract: Contract
  readonly createdAtMs: number
  readonly createdBy: string
}

/** A contract name with its newest version. */
export interface ContractSummary {
  readonly name: string
  readonly latestVersion: number
  readonly updatedAtMs: number
}

type Row = Selectable<DataTables['contracts']>

/** Contracts versioned in the metadata store: register, read, list, diff. */
export class ContractService {
  constructor(private readonly deps: DataDeps) {}

  /**
   * Stores `input` (checked like a file) as the next version of its name, unless that name already
   * has the same body: then that version is returned and `created` is false.
   */
  async register(input: unknown): Promise<{ contract: StoredContract; created: boolean }> {
    const contract = parseContract(input)
    const hash = jsonHash(contract)
    return retryOnConflict(() =>
      this.deps.store.transaction<DataTables, { contract: StoredContract; created: boolean }>(
        async (trx) => {
          const same = await trx
            .selectFrom('contracts')
            .selectAll()
            .where('name', '=', contract.name)
            .where('hash', '=', hash)
            .executeTakeFirst()
          if (same) return { contract: fromRow(same), created: false }
          const { latest } = await trx
            .selectFrom('contracts')
            .select((eb) => eb.fn.max('version').as('latest'))
            .where('name', '=', contract.name)
            .executeTakeFirstOrThrow()
          const row: Row = {
            name: contract.name,
            version: Number(latest ?? 0) + 1,
            body: JSON.stringify(contract),
            hash,
            created_at: this.deps.clock.nowMs(),
            created_by: currentActor(),
          }
          await trx.insertInto('contracts').values(row).execute()
          const event = {
            type: 'contract.created',
            subject: `contract_version:${row.name}:${row.version}`,
            payload: { name: row.name, version: row.version, hash },
            actor: row.created_by,
          }
          await appendEvents(trx, [event], row.created_at)
          return { contract: fromRow(row), created: true }
        },
      ),
    )
  }

  /** The version `ref` names (`name` is the latest). @throws NotFoundError */
  async get(ref: string | VersionRef): Promise<StoredContract> {
    const { name, version } =
      typeof ref === 'string' ? parseVersionRef(ref, { allowAlias: false }) : ref
    let query = this.deps.store
      .db<DataTables>()
      .selectFrom('contracts')
      .selectAll()
      .where('name', '=', name)
    query =
      version === undefined
        ? query.orderBy('version', 'desc').limit(1)
        : query.where('version', '=', version)
    const row = await query.executeTakeFirst()
    if (!row) {
      throw new NotFoundError(
        version === undefined
          ? `No contract named '${name}'`
          : `No version ${version} of contract '${name}'`,
      )
    }
    return fromRow(row)
  }

  /** Every contract name with its latest version, by name. */
  async list(): Promise<ContractSummary[]> {
    const rows = await this.deps.store
      .db<DataTables>()
      .selectFrom('contracts')
      .select((eb) => [
        'name',
        eb.fn.max('version').as('latest'),
        eb.fn.max('created_at').as('updated'),
      ])
      .groupBy('name')
      .orderBy('name')
      .execute()
    return rows.map((r) => ({
      name: r.name,
      latestVersion: Number(r.latest),
      updatedAtMs: Number(r.updated),
    }))
  }

  /** Every version of `name`, newest first. @throws NotFoundError when there is none. */
  async versions(name: string): Promise<StoredContract[]> {
    const rows = await this.deps.store
      .db<DataTables>()
      .selectFrom('contracts')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .execute()
    if (rows.length === 0) throw new NotFoundError(`No contract named '${name}'`)
    return rows.map(fromRow)
  }

  /** What changed from stored version `before` to `after` (refs or contracts). */
  async diff(before: string | Contract, after: string | Contract): Promise<ContractDiff> {
    const resolve = async (x: string | Contract) =>
      typeof x === 'string' ? (await this.get(x)).contract : x
    return diffContracts(await resolve(before), await resolve(after))
  }
}

function fromRow(row: Row): StoredContract {
  return {
    name: row.name,
    version: Number(row.version),
    hash: row.hash,
    contract: JSON.parse(row.body) as Contract,
    createdAtMs: Number(row.created_at),
    createdBy: row.created_by,
  }
}
