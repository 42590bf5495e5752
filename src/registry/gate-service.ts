import { currentActor } from '../shared/actor.js'
import { NotFoundError } from '../shared/errors.js'
import type { Run } from '../tracking/index.js'
import type { AliasService } from './alias-service.js'
import type { RegistryDeps } from './deps.js'
import { evaluateGates } from './gate-evaluation.js'
import { checkPolicy, type EvaluationReport, type Gate, type PromotionPolicy } from './gate.js'
import type { ModelVersion } from './model.js'
import { findModel, lockModel, findVersion } from './model-reader.js'
import type { ModelVersionService } from './model-version-service.js'
import { latestReport, readPolicy, storeReport, toReport } from './gate-store.js'
import { modelSubject, recordEvents } from './registry-events.js'
import type { RegistryTables } from './schema.js'
import { checkAlias, checkModelName, parseVersion } from './validation.js'

export interface SetPolicy {
  readonly gates: readonly Gate[]
  readonly protectedAliases?: readonly string[] | undefined
  readonly approvalAliases?: readonly string[] | undefined
}

/** Gates: each model's declared gates and alias rules, and the evaluation reports of versions. */
export class GateService {
  constructor(
    private readonly deps: RegistryDeps,
    private readonly versions: ModelVersionService,
    private readonly aliases: AliasService,
  ) {}

  async getPolicy(name: string): Promise<PromotionPolicy> {
    checkModelName(name)
    const db = this.#db()
    return readPolicy(db, (await findModel(db, name)).id)
  }

  /** Replaces a model's gates and alias rules; reports made under other gates stop counting. */
  async setPolicy(name: string, input: SetPolicy): Promise<PromotionPolicy> {
    checkModelName(name)
    const policy: PromotionPolicy = {
      gates: input.gates,
      protectedAliases: [...new Set(input.protectedAliases ?? ['champion'])],
      approvalAliases: [...new Set(input.approvalAliases ?? [])],
    }
    checkPolicy(policy)
    for (const alias of [...policy.protectedAliases, ...policy.approvalAliases]) checkAlias(alias)
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<RegistryTables, void>(async (trx) => {
      const model = await lockModel(trx, { name })
      const before = await readPolicy(trx, model.id)
      const row = {
        gates: JSON.stringify(policy.gates),
        protected_aliases: JSON.stringify(policy.protectedAliases),
        approval_aliases: JSON.stringify(policy.approvalAliases),
        updated_at: now,
        updated_by: currentActor(),
      }
      await trx
        .insertInto('registered_model_policies')
        .values({ registered_model_id: model.id, ...row })
        .onConflict((oc) => oc.column('registered_model_id').doUpdateSet(row))
        .execute()
      await recordEvents(trx, now, [
        {
          type: 'registered_model.gates_set',
          subject: modelSubject(name),
          payload: { name, before: policyPayload(before), after: policyPayload(policy) },
        },
      ])
    })
    return policy
  }

  /**
   * Runs every gate of the model on `version` and stores the report: each gate's pass or fail with
   * what was observed and the threshold. A failing report is stored too; it blocks protected aliases.
   */
  async evaluate(
    name: string,
    version: string | number,
    input: { dataset?: string | undefined; target?: string | undefined } = {},
  ): Promise<EvaluationReport> {
    const target = await this.versions.get(name, version)
    const policy = await this.getPolicy(name)
    const results = await evaluateGates(policy.gates, {
      version: target,
      run: await this.#runOf(target),
      dataset: input.dataset,
      target: input.target,
      evaluator: this.deps.evaluator,
      holderOf: (alias) => this.#holderOf(name, alias),
    })
    const now = this.deps.clock.nowMs()
    return this.deps.store.transaction<RegistryTables, EvaluationReport>(async (trx) => {
      const model = await lockModel(trx, { name })
      await findVersion(trx, model, target.version)
      return storeReport(trx, {
        model,
        version: target.version,
        dataset: input.dataset,
        results,
        now,
      })
    })
  }

  /** A version's evaluation reports, newest first. */
  async reports(name: string, version: string | number): Promise<EvaluationReport[]> {
    checkModelName(name)
    const db = this.#db()
    const model = await findModel(db, name)
    const row = await findVersion(db, model, parseVersion(version))
    const rows = await db
      .selectFrom('evaluation_reports')
      .selectAll()
      .where('registered_model_id', '=', model.id)
      .where('version', '=', row.version)
      .orderBy('id', 'desc')
      .execute()
    return rows.map((r) => toReport(r, model.name))
  }

  /** The newest report of a version. @throws NotFoundError when it was never evaluated */
  async latestReport(name: string, version: string | number): Promise<EvaluationReport> {
    checkModelName(name)
    const db = this.#db()
    const model = await findModel(db, name)
    const row = await findVersion(db, model, parseVersion(version))
    const report = await latestReport(db, model, row.version)
    if (!report) {
      throw new NotFoundError(
        `Model Version (name=${name}, version=${row.version}) has no evaluation report`,
      )
    }
    return report
  }

  #db() {
    return this.deps.store.db<RegistryTables>()
  }

  async #runOf(version: ModelVersion): Promise<Run | undefined> {
    if (!version.runId) return undefined
    try {
      return await this.deps.tracking.getRun(version.runId)
    } catch (err) {
      // A run on another tracking server (run_link) is not here: metric gates then say so.
      if (err instanceof NotFoundError) return undefined
      throw err
    }
  }

  async #holderOf(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      return await this.aliases.getVersion(name, alias)
    } catch (err) {
      if (err instanceof NotFoundError) return undefined
      throw err
    }
  }
}

/** A policy as an event records it (snake_case, as every payload is). */
function policyPayload(policy: PromotionPolicy): Record<string, unknown> {
  return {
    gates: policy.gates,
    protected_aliases: policy.protectedAliases,
    approval_aliases: policy.approvalAliases,
  }
}
