import type { Selectable, Transaction } from 'kysely'
import { currentActor } from '../shared/actor.js'
import {
  DEFAULT_POLICY,
  type EvaluationReport,
  type GateResult,
  type PromotionPolicy,
} from './gate.js'
import type { Db, ModelRow } from './model-reader.js'
import { recordEvents, versionSubject } from './registry-events.js'
import type { RegistryTables } from './schema.js'

type ReportRow = Selectable<RegistryTables['evaluation_reports']>

/** A model's promotion policy, or the default (no gates, `champion` protected) when none is set. */
export async function readPolicy(db: Db, modelId: number): Promise<PromotionPolicy> {
  const row = await db
    .selectFrom('registered_model_policies')
    .selectAll()
    .where('registered_model_id', '=', modelId)
    .executeTakeFirst()
  if (!row) return DEFAULT_POLICY
  return {
    gates: JSON.parse(row.gates) as PromotionPolicy['gates'],
    protectedAliases: JSON.parse(row.protected_aliases) as string[],
    approvalAliases: JSON.parse(row.approval_aliases) as string[],
  }
}

/** The newest evaluation report of a version, if any. */
export async function latestReport(
  db: Db,
  model: { id: number; name: string },
  version: number,
): Promise<EvaluationReport | undefined> {
  const row = await db
    .selectFrom('evaluation_reports')
    .selectAll()
    .where('registered_model_id', '=', model.id)
    .where('version', '=', version)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? toReport(row, model.name) : undefined
}

export function toReport(row: ReportRow, name: string): EvaluationReport {
  return {
    id: String(row.id),
    name,
    version: row.version,
    dataset: row.dataset ?? undefined,
    passed: row.passed === 1,
    results: JSON.parse(row.results) as GateResult[],
    createdAt: row.created_at,
    userId: row.user_id ?? undefined,
  }
}

/** JSON with sorted keys, so that two equal definitions compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
}

/** Stores an evaluation report and records `model_version.evaluated` with each gate's outcome. */
export async function storeReport(
  trx: Transaction<RegistryTables>,
  input: {
    model: ModelRow
    version: number
    dataset: string | undefined
    results: GateResult[]
    now: number
  },
): Promise<EvaluationReport> {
  const { model, version, dataset, results, now } = input
  const passed = results.every((r) => r.passed)
  const { id } = await trx
    .insertInto('evaluation_reports')
    .values({
      registered_model_id: model.id,
      version,
      dataset: dataset ?? null,
      passed: passed ? 1 : 0,
      results: JSON.stringify(results),
      created_at: now,
      user_id: currentActor(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await recordEvents(trx, now, [
    {
      type: 'model_version.evaluated',
      subject: versionSubject(model.name, version),
      payload: evaluatedPayload(model.name, version, String(id), dataset, results),
    },
  ])
  const row = await trx
    .selectFrom('evaluation_reports')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  return toReport(row, model.name)
}

function evaluatedPayload(
  name: string,
  version: number,
  reportId: string,
  dataset: string | undefined,
  results: readonly GateResult[],
): Record<string, unknown> {
  return {
    name,
    version,
    report_id: reportId,
    dataset: dataset ?? null,
    passed: results.every((r) => r.passed),
    results: results.map(({ gate, kind, passed, observed, threshold }) => ({
      gate,
      kind,
      passed,
      observed,
      threshold,
    })),
  }
}
