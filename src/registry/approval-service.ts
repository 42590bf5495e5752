import type { Transaction } from 'kysely'
import { currentActor } from '../shared/actor.js'
import {
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
  PermissionDeniedError,
} from '../shared/errors.js'
import { withAliasRetry } from './alias-service.js'
import { moveAlias } from './alias-rows.js'
import { toApproval, type Approval, type ApprovalStatus } from './approval.js'
import type { RegistryDeps } from './deps.js'
import { lockModel, findVersion, type Db, type ModelRow } from './model-reader.js'
import { assertPromotable } from './promotion-check.js'
import { recordEvents, versionSubject } from './registry-events.js'
import type { RegistryTables } from './schema.js'
import { checkAlias, checkModelName, parseVersion } from './validation.js'

type Trx = Transaction<RegistryTables>
const MAX_TEXT = 5000

/**
 * Human approvals: anyone may request that a version take an alias; someone else approves (which
 * moves the alias, through the gates, in the same transaction) or rejects. Every step is an event.
 */
export class ApprovalService {
  constructor(private readonly deps: RegistryDeps) {}

  async request(input: {
    name: string
    version: string | number
    alias: string
    reason: string
  }): Promise<Approval> {
    checkModelName(input.name)
    checkAlias(input.alias)
    const version = parseVersion(input.version)
    checkText('reason', input.reason, true)
    const now = this.deps.clock.nowMs()
    const id = await this.deps.store.transaction<RegistryTables, number>(async (trx) => {
      const model = await lockModel(trx, { name: input.name })
      await findVersion(trx, model, version)
      await assertNothingPending(trx, model, version, input.alias)
      const { id } = await trx
        .insertInto('approvals')
        .values({
          registered_model_id: model.id,
          version,
          alias: input.alias,
          status: 'PENDING',
          reason: input.reason,
          requested_by: currentActor(),
          requested_at: now,
          decided_by: null,
          comment: null,
          decided_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await this.#event(trx, 'model_version.approval_requested', model, id, now)
      return id
    })
    return this.get(String(id))
  }

  /** Approves and moves the alias, both or neither. @throws PermissionDeniedError for the requester */
  async approve(id: string, comment?: string | undefined): Promise<Approval> {
    checkText('comment', comment ?? '', false)
    const now = this.deps.clock.nowMs()
    await withAliasRetry(this.deps.store, async (trx) => {
      const { model, row } = await this.#decide(trx, id, 'APPROVED', comment, now)
      await findVersion(trx, model, row.version)
      await assertPromotable(trx, model, row.version, row.alias)
      await moveAlias(trx, {
        model,
        alias: row.alias,
        version: row.version,
        now,
        payload: { approval_id: id },
      })
    })
    return this.get(id)
  }

  /** Rejects a request, saying why. @throws PermissionDeniedError for the requester */
  async reject(id: string, comment: string): Promise<Approval> {
    checkText('comment', comment, true)
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<RegistryTables, void>(async (trx) => {
      await this.#decide(trx, id, 'REJECTED', comment, now)
    })
    return this.get(id)
  }

  async get(id: string): Promise<Approval> {
    const db = this.deps.store.db<RegistryTables>()
    const { row, model } = await findApproval(db, id)
    return toApproval(row, model.name)
  }

  /** Requests, newest first, optionally of one model and in one status. */
  async list(
    filter: { name?: string | undefined; status?: ApprovalStatus | undefined } = {},
  ): Promise<Approval[]> {
    const db = this.deps.store.db<RegistryTables>()
    let query = db
      .selectFrom('approvals as a')
      .innerJoin('registered_models as m', 'm.id', 'a.registered_model_id')
      .selectAll('a')
      .select('m.name as model_name')
      .orderBy('a.id', 'desc')
    if (filter.name !== undefined) query = query.where('m.name', '=', filter.name)
    if (filter.status !== undefined) query = query.where('a.status', '=', filter.status)
    return (await query.execute()).map((r) => toApproval(r, r.model_name))
  }

  /** Records a decision on a pending request, refusing the requester and a second decision. */
  async #decide(
    trx: Trx,
    id: string,
    status: ApprovalStatus,
    comment: string | undefined,
    now: number,
  ) {
    const { row } = await findApproval(trx, id)
    const model = await lockModel(trx, { id: row.registered_model_id })
    const actor = currentActor()
    if (actor === row.requested_by) {
      throw new PermissionDeniedError(
        `User '${actor}' requested approval ${id} and cannot decide it; another user must ${status === 'APPROVED' ? 'approve' : 'reject'} it`,
      )
    }
    // Conditional on PENDING: of two deciders racing, one wins and the other is told.
    const result = await trx
      .updateTable('approvals')
      .set({ status, decided_by: actor, comment: comment || null, decided_at: now })
      .where('id', '=', row.id)
      .where('status', '=', 'PENDING')
      .executeTakeFirst()
    if (result.numUpdatedRows === 0n) {
      const current = await findApproval(trx, id)
      throw new InvalidStateError(
        `Approval ${id} was already ${current.row.status.toLowerCase()} by ${current.row.decided_by}`,
      )
    }
    const type =
      status === 'APPROVED' ? 'model_version.approval_approved' : 'model_version.approval_rejected'
    await this.#event(trx, type, model, row.id, now)
    return { row, model }
  }

  async #event(trx: Trx, type: string, model: ModelRow, id: number, now: number) {
    const { row } = await findApproval(trx, String(id))
    const approval = toApproval(row, model.name)
    const before = type === 'model_version.approval_requested' ? null : { status: 'PENDING' }
    await recordEvents(trx, now, [
      {
        type,
        subject: versionSubject(model.name, approval.version),
        payload: {
          name: model.name,
          version: approval.version,
          alias: approval.alias,
          approval_id: approval.id,
          reason: approval.reason,
          requested_by: approval.requestedBy,
          before,
          after: {
            status: approval.status,
            decided_by: approval.decidedBy ?? null,
            comment: approval.comment ?? null,
          },
        },
      },
    ])
  }
}

async function findApproval(db: Db, id: string) {
  const row = /^\d{1,15}$/.test(id)
    ? await db.selectFrom('approvals').selectAll().where('id', '=', Number(id)).executeTakeFirst()
    : undefined
  if (!row) throw new NotFoundError(`Approval with id=${id.slice(0, 100)} not found`)
  const model = await db
    .selectFrom('registered_models')
    .selectAll()
    .where('id', '=', row.registered_model_id)
    .executeTakeFirstOrThrow()
  return { row, model }
}

function checkText(field: string, value: string, required: boolean): void {
  if (required && value.trim() === '') {
    throw new InvalidParameterError(`Missing value for required parameter '${field}'.`)
  }
  if (value.length > MAX_TEXT) {
    throw new InvalidParameterError(
      `'${field}' had length ${value.length}, which exceeded length limit of ${MAX_TEXT}`,
    )
  }
}

async function assertNothingPending(trx: Trx, model: ModelRow, version: number, alias: string) {
  const pending = await trx
    .selectFrom('approvals')
    .select('id')
    .where('registered_model_id', '=', model.id)
    .where('version', '=', version)
    .where('alias', '=', alias)
    .where('status', '=', 'PENDING')
    .executeTakeFirst()
  if (pending) {
    throw new InvalidStateError(
      `Approval request ${pending.id} for alias '${alias}' on version ${version} of '${model.name}' is already pending`,
    )
  }
}
