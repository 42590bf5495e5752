import type { Kysely, Selectable, Transaction } from 'kysely'
import { InvalidStateError, NotFoundError } from '../shared/errors.js'
import type {
  Deployment,
  DeploymentConfig,
  GateResult,
  Release,
  ReleaseStatus,
  Strategy,
} from './deployment.js'
import { DEFAULT_CONFIG } from './deployment.js'
import type { ServingTables } from './schema.js'

/** A handle on the serving tables: the store's or a transaction's. */
export type Db = Kysely<ServingTables> | Transaction<ServingTables>

type DeploymentRow = Selectable<ServingTables['deployments']>
type ReleaseRow = Selectable<ServingTables['deployment_releases']>

function releaseFromRow(row: ReleaseRow): Release {
  return {
    id: row.id,
    strategy: row.strategy as Strategy,
    stableVersion: row.stable_version === null ? undefined : Number(row.stable_version),
    candidateVersion: Number(row.candidate_version),
    status: row.status as ReleaseStatus,
    weight: Number(row.weight),
    stepIndex: Number(row.step_index),
    stepStartedAtMs: Number(row.step_started_at),
    gates: JSON.parse(row.gates) as GateResult[],
    reason: row.reason ?? undefined,
    trigger: row.trigger,
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
    createdBy: row.created_by,
  }
}

function deploymentFromRow(row: DeploymentRow, release: Release | undefined): Deployment {
  return {
    name: row.name,
    model: row.model,
    target:
      row.target_alias !== null
        ? { alias: row.target_alias }
        : { version: Number(row.target_version) },
    strategy: row.strategy as Strategy,
    version: Number(row.version),
    previousVersion: row.previous_version === null ? undefined : Number(row.previous_version),
    release,
    // Configurations stored before a setting existed take its default.
    config: {
      batching: DEFAULT_CONFIG.batching,
      ...(JSON.parse(row.config) as Partial<DeploymentConfig>),
    } as DeploymentConfig,
    revision: Number(row.revision),
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
    createdBy: row.created_by,
  }
}

async function withReleases(db: Db, rows: DeploymentRow[]): Promise<Deployment[]> {
  const ids = rows.map((r) => r.release_id).filter((id): id is string => id !== null)
  const releases =
    ids.length === 0
      ? []
      : await db.selectFrom('deployment_releases').selectAll().where('id', 'in', ids).execute()
  const byId = new Map(releases.map((r) => [r.id, releaseFromRow(r)]))
  return rows.map((row) =>
    deploymentFromRow(row, row.release_id ? byId.get(row.release_id) : undefined),
  )
}

/** A deployment, or undefined. */
export async function findDeployment(db: Db, name: string): Promise<Deployment | undefined> {
  const row = await db
    .selectFrom('deployments')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst()
  return row ? (await withReleases(db, [row]))[0] : undefined
}

/** A deployment. @throws NotFoundError naming it */
export async function getDeployment(db: Db, name: string): Promise<Deployment> {
  const deployment = await findDeployment(db, name)
  if (!deployment) throw new NotFoundError(`Deployment '${name}' does not exist`)
  return deployment
}

/** Every deployment (of one model, when given), by name. */
export async function listDeployments(db: Db, model?: string): Promise<Deployment[]> {
  let query = db.selectFrom('deployments').selectAll().orderBy('name')
  if (model !== undefined) query = query.where('model', '=', model)
  return withReleases(db, await query.execute())
}

/** A deployment's releases, newest first. */
export async function listReleases(db: Db, deployment: string, limit = 50): Promise<Release[]> {
  const rows = await db
    .selectFrom('deployment_releases')
    .selectAll()
    .where('deployment', '=', deployment)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map(releaseFromRow)
}

/** Inserts a new deployment row. */
export async function insertDeployment(trx: Db, d: Deployment): Promise<void> {
  await trx.insertInto('deployments').values(deploymentRow(d)).execute()
  if (d.release) await saveRelease(trx, d.name, d.release)
}

function deploymentRow(d: Deployment): DeploymentRow {
  return {
    name: d.name,
    model: d.model,
    target_alias: 'alias' in d.target ? d.target.alias : null,
    target_version: 'version' in d.target ? d.target.version : null,
    strategy: d.strategy,
    version: d.version,
    previous_version: d.previousVersion ?? null,
    release_id: d.release?.id ?? null,
    config: JSON.stringify(d.config),
    revision: d.revision,
    created_at: d.createdAtMs,
    updated_at: d.updatedAtMs,
    created_by: d.createdBy,
  }
}

/**
 * Writes `next` only if the stored row is still at `expectedRevision` (optimistic concurrency),
 * with the release row it points at. @throws InvalidStateError when someone changed it meanwhile
 */
export async function saveDeployment(
  trx: Db,
  expectedRevision: number,
  next: Deployment,
): Promise<void> {
  const { name: _name, ...changes } = deploymentRow(next)
  const result = await trx
    .updateTable('deployments')
    .set(changes)
    .where('name', '=', next.name)
    .where('revision', '=', expectedRevision)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) {
    throw new InvalidStateError(
      `Deployment '${next.name}' was changed by someone else meanwhile (revision ${expectedRevision} is stale); read it again and retry`,
    )
  }
  if (next.release) await saveRelease(trx, next.name, next.release)
}

async function saveRelease(trx: Db, deployment: string, r: Release): Promise<void> {
  const row = {
    strategy: r.strategy,
    stable_version: r.stableVersion ?? null,
    candidate_version: r.candidateVersion,
    status: r.status,
    weight: r.weight,
    step_index: r.stepIndex,
    step_started_at: r.stepStartedAtMs,
    gates: JSON.stringify(r.gates),
    reason: r.reason ?? null,
    trigger: r.trigger,
    updated_at: r.updatedAtMs,
  }
  await trx
    .insertInto('deployment_releases')
    .values({ id: r.id, deployment, created_at: r.createdAtMs, created_by: r.createdBy, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute()
}

/** Deletes a deployment and its releases. */
export async function deleteDeploymentRows(trx: Db, name: string): Promise<void> {
  await trx.deleteFrom('deployment_releases').where('deployment', '=', name).execute()
  await trx.deleteFrom('deployments').where('name', '=', name).execute()
}
