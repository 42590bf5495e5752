import { resolve } from 'node:path'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { NotFoundError } from '../shared/errors.js'
import type { Clock } from '../shared/clock.js'
import type { MetadataStore } from '../store/index.js'
import { loadPipeline } from './definition/load-pipeline.js'
import { planOf, type PipelineSpec, type PlannedStep } from './definition/pipeline-spec.js'
import type { PipelineTables } from './schema.js'

/** A pipeline registered by file. */
export interface RegisteredPipeline {
  readonly name: string
  readonly source: string
  readonly description: string | null
  readonly params: Readonly<Record<string, unknown>>
  readonly steps: readonly PlannedStep[]
  readonly registeredAtMs: number
  readonly registeredBy: string
}

/** Pipelines known by name: their file, so schedules, triggers and the API can run them. */
export class PipelineCatalog {
  constructor(private readonly deps: { readonly store: MetadataStore; readonly clock: Clock }) {}

  /**
   * Loads the file, checks the pipeline and records it under its name (a file registered again
   * replaces the entry). @throws NotFoundError, InvalidParameterError naming what is wrong
   */
  async register(path: string): Promise<{ pipeline: RegisteredPipeline; spec: PipelineSpec }> {
    const source = resolve(path)
    const spec = await loadPipeline(source)
    const now = this.deps.clock.nowMs()
    const row = {
      name: spec.name,
      source,
      description: spec.description ?? null,
      plan: JSON.stringify({ params: spec.params, steps: planOf(spec) }),
      registered_at: now,
      registered_by: currentActor(),
    }
    await this.deps.store.transaction<PipelineTables, void>(async (trx) => {
      const { name: _name, ...changes } = row
      await trx
        .insertInto('pipelines')
        .values(row)
        .onConflict((oc) => oc.column('name').doUpdateSet(changes))
        .execute()
      const payload = { name: spec.name, source, steps: spec.steps.length }
      await appendEvents(
        trx,
        [
          {
            type: 'pipeline.registered',
            subject: `pipeline:${spec.name}`,
            payload,
            actor: row.registered_by,
          },
        ],
        now,
      )
    })
    return { pipeline: fromRow(row), spec }
  }

  async list(): Promise<RegisteredPipeline[]> {
    const rows = await this.deps.store
      .db<PipelineTables>()
      .selectFrom('pipelines')
      .selectAll()
      .orderBy('name')
      .execute()
    return rows.map(fromRow)
  }

  /** @throws NotFoundError */
  async get(name: string): Promise<RegisteredPipeline> {
    const row = await this.deps.store
      .db<PipelineTables>()
      .selectFrom('pipelines')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    if (!row)
      throw new NotFoundError(
        `No pipeline named '${name}'; register it with 'lathe pipelines run <file>'`,
      )
    return fromRow(row)
  }
}

function fromRow(row: PipelineTables['pipelines']): RegisteredPipeline {
  const plan = JSON.parse(row.plan) as { params: Record<string, unknown>; steps: PlannedStep[] }
  return {
    name: row.name,
    source: row.source,
    description: row.description,
    params: plan.params,
    steps: plan.steps,
    registeredAtMs: Number(row.registered_at),
    registeredBy: row.registered_by,
  }
}
