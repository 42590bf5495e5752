import { sql } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { newUuid } from '../shared/ids.js'
import type { TrackingDeps } from './deps.js'
import type { DatasetInput } from './model.js'
import type { TrackingTables } from './schema.js'

const MAX_DATASET_FIELD = 65_535

/** Which datasets and models a run consumed (log-inputs) and which models it produced (outputs). */
export class RunInputService {
  constructor(private readonly deps: TrackingDeps) {}

  async logInputs(
    runId: string,
    datasets: readonly DatasetInput[],
    models: readonly { modelId: string }[] = [],
  ): Promise<void> {
    for (const { dataset } of datasets) {
      for (const [field, value] of Object.entries(dataset)) {
        if (typeof value === 'string' && value.length > MAX_DATASET_FIELD) {
          throw new InvalidParameterError(
            `Dataset field '${field}' exceeds ${MAX_DATASET_FIELD} characters`,
          )
        }
      }
    }
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const run = await trx
        .selectFrom('runs')
        .select(['experiment_id', 'lifecycle_stage'])
        .where('run_id', '=', runId)
        .executeTakeFirst()
      if (!run) throw new NotFoundError(`Run with id=${runId} not found`)
      if (run.lifecycle_stage !== 'active')
        throw new InvalidParameterError(`The run ${runId} must be in the 'active' state.`)
      for (const { dataset, tags } of datasets) {
        await trx
          .insertInto('datasets')
          .values({
            dataset_id: newUuid(),
            experiment_id: run.experiment_id,
            name: dataset.name,
            digest: dataset.digest,
            source_type: dataset.sourceType,
            source: dataset.source,
            schema: dataset.schema ?? null,
            profile: dataset.profile ?? null,
          })
          .onConflict((oc) => oc.columns(['experiment_id', 'name', 'digest']).doNothing())
          .execute()
        const { dataset_id } = await trx
          .selectFrom('datasets')
          .select('dataset_id')
          .where('experiment_id', '=', run.experiment_id)
          .where('name', '=', dataset.name)
          .where('digest', '=', dataset.digest)
          .executeTakeFirstOrThrow()
        await trx
          .insertInto('run_dataset_inputs')
          .values({
            run_id: runId,
            dataset_id,
            tags: JSON.stringify(tags.map((t) => ({ key: t.key, value: t.value }))),
          })
          .onConflict((oc) =>
            oc.columns(['run_id', 'dataset_id']).doUpdateSet({ tags: sql`excluded.tags` }),
          )
          .execute()
      }
      if (models.length > 0) {
        await trx
          .insertInto('run_model_inputs')
          .values(models.map((m) => ({ run_id: runId, model_id: m.modelId })))
          .onConflict((oc) => oc.doNothing())
          .execute()
      }
      const payload = {
        datasets: datasets.map((d) => ({
          name: d.dataset.name,
          digest: d.dataset.digest,
          source: d.dataset.source,
        })),
        models: models.map((m) => m.modelId),
      }
      await appendEvents(
        trx,
        [{ type: 'run.inputs_logged', subject: `run:${runId}`, payload, actor: currentActor() }],
        now,
      )
    })
  }

  async logOutputs(
    runId: string,
    models: readonly { modelId: string; step: number }[],
  ): Promise<void> {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<TrackingTables, void>(async (trx) => {
      const run = await trx
        .selectFrom('runs')
        .select('run_id')
        .where('run_id', '=', runId)
        .executeTakeFirst()
      if (!run) throw new NotFoundError(`Run with id=${runId} not found`)
      if (models.length > 0) {
        await trx
          .insertInto('run_model_outputs')
          .values(models.map((m) => ({ run_id: runId, model_id: m.modelId, step: m.step })))
          .onConflict((oc) =>
            oc.columns(['run_id', 'model_id']).doUpdateSet({ step: sql`excluded.step` }),
          )
          .execute()
      }
      await appendEvents(
        trx,
        [
          {
            type: 'run.outputs_logged',
            subject: `run:${runId}`,
            payload: { models: models.map((m) => m.modelId) },
            actor: currentActor(),
          },
        ],
        now,
      )
    })
  }
}
