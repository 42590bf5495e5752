import type { Kysely, Selectable } from 'kysely'
import { NotFoundError } from '../../shared/errors.js'
import type { Params, PlannedStep } from '../definition/pipeline-spec.js'
import type { PipelineTables } from '../schema.js'
import type { ReproRecord } from './repro-record.js'
import type { StepLineage } from './step-context-impl.js'
import type { RunStatus, StepStatus } from './step-status.js'

type Db = Kysely<PipelineTables>

/** One step of a run, as reported. */
export interface StepRun {
  readonly step: string
  readonly kind: string
  readonly needs: readonly string[]
  readonly status: StepStatus
  readonly attempt: number
  readonly worker: string | null
  readonly cacheKey: string | null
  /** The run whose outputs a cached step reused. */
  readonly cachedFrom: string | null
  readonly outputs: unknown
  readonly reproDigest: string | null
  readonly lineage: StepLineage | null
  readonly error: string | null
  readonly logTail: string | null
  readonly trackingRunId: string | null
  readonly queuedAtMs: number | null
  readonly startedAtMs: number | null
  readonly endedAtMs: number | null
}

/** A pipeline run, with its steps when asked for. */
export interface PipelineRun {
  readonly runId: string
  readonly pipeline: string
  readonly source: string
  readonly status: RunStatus
  readonly executor: string
  readonly params: Params
  readonly isNoCache: boolean
  readonly startedBy: string
  readonly rerunOf: string | null
  readonly trackingRunId: string
  readonly repro: ReproRecord
  readonly plan: readonly PlannedStep[]
  readonly createdAtMs: number
  readonly endedAtMs: number | null
  readonly createdBy: string
}

/** A run with its steps, failures (step, error, log tail) and the dataset versions it read. */
export interface RunDetail extends PipelineRun {
  readonly steps: StepRun[]
  readonly failures: { step: string; error: string; logTail: string | null }[]
  readonly inputs: { kind: string; id: string; digest?: string | undefined }[]
}

function runFromRow(row: Selectable<PipelineTables['pipeline_runs']>): PipelineRun {
  return {
    runId: row.run_id,
    pipeline: row.pipeline,
    source: row.source,
    status: row.status as RunStatus,
    executor: row.executor,
    params: JSON.parse(row.params) as Params,
    isNoCache: Boolean(row.is_no_cache),
    startedBy: row.started_by,
    rerunOf: row.rerun_of,
    trackingRunId: row.tracking_run_id,
    repro: JSON.parse(row.repro) as ReproRecord,
    plan: JSON.parse(row.plan) as PlannedStep[],
    createdAtMs: Number(row.created_at),
    endedAtMs: row.ended_at === null ? null : Number(row.ended_at),
    createdBy: row.created_by,
  }
}

function stepFromRow(
  row: Selectable<PipelineTables['step_runs']>,
  planned: PlannedStep | undefined,
): StepRun {
  const time = (v: number | null) => (v === null ? null : Number(v))
  return {
    step: row.step,
    kind: planned?.kind ?? 'unknown',
    needs: planned?.needs ?? [],
    status: row.status as StepStatus,
    attempt: Number(row.attempt),
    worker: row.worker,
    cacheKey: row.cache_key,
    cachedFrom: row.cached_from,
    outputs: row.outputs === null ? null : (JSON.parse(row.outputs) as unknown),
    reproDigest: row.repro_digest,
    lineage: row.lineage === null ? null : (JSON.parse(row.lineage) as StepLineage),
    error: row.error,
    logTail: row.log_tail,
    trackingRunId: row.tracking_run_id,
    queuedAtMs: time(row.queued_at),
    startedAtMs: time(row.started_at),
    endedAtMs: time(row.ended_at),
  }
}

/** A run without its steps. @throws NotFoundError */
export async function readRun(db: Db, runId: string): Promise<PipelineRun> {
  const row = await db
    .selectFrom('pipeline_runs')
    .selectAll()
    .where('run_id', '=', runId)
    .executeTakeFirst()
  if (!row) throw new NotFoundError(`No pipeline run with id '${runId}'`)
  return runFromRow(row)
}

/** A run with its steps in plan order. @throws NotFoundError */
export async function readRunDetail(db: Db, runId: string): Promise<RunDetail> {
  const run = await readRun(db, runId)
  const rows = await db.selectFrom('step_runs').selectAll().where('run_id', '=', runId).execute()
  const byName = new Map(run.plan.map((s, i) => [s.name, { s, i }]))
  const steps = rows
    .sort((a, b) => (byName.get(a.step)?.i ?? 0) - (byName.get(b.step)?.i ?? 0))
    .map((r) => stepFromRow(r, byName.get(r.step)?.s))
  const failures = steps
    .filter((s) => s.status === 'failed')
    .map((s) => ({ step: s.step, error: s.error ?? 'failed', logTail: s.logTail }))
  const seen = new Set<string>()
  const inputs = steps
    .flatMap((s) => s.lineage?.inputs ?? [])
    .filter((i) => i.kind === 'dataset_version' && !seen.has(i.id) && seen.add(i.id))
  return { ...run, steps, failures, inputs }
}

/** Runs, newest first, optionally of one pipeline or in one status. */
export async function listRuns(
  db: Db,
  filter: {
    pipeline?: string | undefined
    status?: string | undefined
    limit?: number | undefined
  } = {},
): Promise<PipelineRun[]> {
  let query = db.selectFrom('pipeline_runs').selectAll()
  if (filter.pipeline) query = query.where('pipeline', '=', filter.pipeline)
  if (filter.status) query = query.where('status', '=', filter.status)
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('run_id')
    .limit(filter.limit ?? 50)
    .execute()
  return rows.map(runFromRow)
}
