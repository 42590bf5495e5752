import { InvalidParameterError } from '../shared/errors.js'
import { gateName, type GateResult } from './gate.js'
import type { Db, ModelRow } from './model-reader.js'
import { canonicalJson, latestReport, readPolicy } from './gate-store.js'

/**
 * Why `alias` may not point at `version` yet: each declared gate that is missing from, or failed
 * in, the version's latest evaluation report (when the alias is protected), and a missing
 * approval (when the alias needs one). Empty when the move may go ahead.
 */
export async function promotionBlockers(
  db: Db,
  model: ModelRow,
  version: number,
  alias: string,
): Promise<string[]> {
  const policy = await readPolicy(db, model.id)
  const blockers: string[] = []
  if (policy.protectedAliases.includes(alias) && policy.gates.length > 0) {
    const report = await latestReport(db, model, version)
    const evaluate = `run 'lathe models evaluate ${model.name} ${version} --data <dataset>'`
    for (const gate of policy.gates) {
      const name = gateName(gate)
      const result = report?.results.find(
        (r) => r.gate === name && canonicalJson(r.definition) === canonicalJson(gate),
      )
      if (!report)
        blockers.push(`${name}: missing (version ${version} has no evaluation report; ${evaluate})`)
      else if (!result)
        blockers.push(
          `${name}: missing (not in evaluation report ${report.id}, made before this gate was declared; ${evaluate})`,
        )
      else if (!result.passed) blockers.push(`${name}: failed (${describeResult(result)})`)
    }
  }
  if (policy.approvalAliases.includes(alias)) {
    const decision = await latestDecision(db, model.id, version, alias)
    if (decision?.status !== 'APPROVED') {
      blockers.push(
        decision
          ? `approval: request ${decision.id} was rejected by ${decision.decided_by}`
          : `approval: no approved request for alias '${alias}' on version ${version} (request one; another user must approve it)`,
      )
    }
  }
  return blockers
}

/** @throws InvalidParameterError listing every blocker, when there is any */
export async function assertPromotable(
  db: Db,
  model: ModelRow,
  version: number,
  alias: string,
): Promise<void> {
  const blockers = await promotionBlockers(db, model, version, alias)
  if (blockers.length === 0) return
  throw new InvalidParameterError(
    `Cannot set alias '${alias}' of registered model '${model.name}' to version ${version}: ${blockers.length} gate(s) failed or missing: ${blockers.join('; ')}`,
  )
}

export function describeResult(result: GateResult): string {
  const observed = result.observed === null ? 'nothing observed' : `observed ${result.observed}`
  const threshold = result.threshold === null ? '' : `, threshold ${result.threshold}`
  return `${observed}${threshold}: ${result.detail}`
}

function latestDecision(db: Db, modelId: number, version: number, alias: string) {
  return db
    .selectFrom('approvals')
    .select(['id', 'status', 'decided_by'])
    .where('registered_model_id', '=', modelId)
    .where('version', '=', version)
    .where('alias', '=', alias)
    .where('status', 'in', ['APPROVED', 'REJECTED'])
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
}
