import { EventDispatcher, eventMigrations } from './events/index.js'
import type { Config } from './config.js'
import { systemClock, type Clock } from './shared/clock.js'
import {
  openArtifactStore,
  openMetadataStore,
  type ArtifactStore,
  type MetadataStore,
  type NamedMigration,
} from './store/index.js'
import { Tracking, trackingMigrations } from './tracking/index.js'
import {
  Lineage,
  lineageMigrations,
  dataLineageRules,
  registryLineageRules,
  trackingLineageRules,
} from './lineage/index.js'
import { AuditLog, governanceMigrations } from './governance/index.js'
import { Data, dataMigrations } from './data/index.js'
import {
  OnnxEvaluator,
  Registry,
  dataEvaluationDatasets,
  registryMigrations,
  trackingReader,
} from './registry/index.js'
import {
  Pipelines,
  StepQueue,
  pipelineLineageRules,
  pipelineMigrations,
} from './pipelines/index.js'
import {
  Serving,
  dataDatasets,
  registryVersions,
  servingLineageRules,
  servingMigrations,
} from './serving/index.js'
import {
  Monitoring,
  dataReferences,
  monitoringLineageRules,
  monitoringMigrations,
  servingReader,
  type AlertActuators,
} from './monitoring/index.js'

/** Every context's migrations; each context owns its tables. */
export const allMigrations: readonly NamedMigration[] = [
  ...eventMigrations,
  ...trackingMigrations,
  ...lineageMigrations,
  ...governanceMigrations,
  ...registryMigrations,
  ...dataMigrations,
  ...pipelineMigrations,
  ...servingMigrations,
  ...monitoringMigrations,
]

/** What a firing alert's actions act on: a pipeline run, a deployment's release or version. */
function alertActuators(pipelines: Pipelines, serving: Serving): AlertActuators {
  return {
    retrain: async (pipeline, params, triggeredBy) =>
      (await pipelines.run(pipeline, { params, startedBy: 'alert', triggeredBy })).runId,
    rollback: async (name, reason) => {
      await serving.deployments.rollback(name, reason, { automatic: true })
    },
    pin: async (name, version) => {
      const before = await serving.deployments.get(name)
      if (before.release?.status === 'progressing')
        await serving.deployments.rollback(name, `Superseded by a pin to version ${version}`, {
          automatic: true,
        })
      // A safe version is swapped in at once (single), not ramped; the strategy is put back after.
      await serving.deployments.update(name, { version, strategy: 'single' })
      if (before.strategy !== 'single')
        await serving.deployments.update(name, { strategy: before.strategy })
    },
  }
}

/** One running Lathe: its stores and its contexts' services. */
export interface Lathe {
  readonly config: Config
  readonly clock: Clock
  readonly store: MetadataStore
  readonly artifacts: ArtifactStore
  readonly events: EventDispatcher
  readonly tracking: Tracking
  readonly lineage: Lineage
  readonly audit: AuditLog
  readonly registry: Registry
  readonly data: Data
  readonly pipelines: Pipelines
  readonly serving: Serving
  readonly monitoring: Monitoring
  close(): Promise<void>
}

/** The composition root: config → stores (migrated) → contexts. */
export async function openLathe(config: Config, clock: Clock = systemClock): Promise<Lathe> {
  const store = await openMetadataStore(config.database)
  try {
    await store.migrate(allMigrations)
  } catch (err) {
    await store.close()
    throw err
  }
  const artifacts = await openArtifactStore(config.artifacts)
  const events = new EventDispatcher(store, clock)
  const tracking = new Tracking({ store, artifacts, clock })
  const lineage = new Lineage({ store, clock, events })
  lineage.registerRules(trackingLineageRules)
  lineage.registerRules(registryLineageRules)
  lineage.registerRules(dataLineageRules)
  lineage.registerRules(pipelineLineageRules)
  lineage.registerRules(servingLineageRules)
  const audit = new AuditLog({ store, clock, events })
  const data = new Data({ store, artifacts, clock, tracking })
  const registry = new Registry({
    store,
    clock,
    tracking: trackingReader(tracking),
    evaluator: new OnnxEvaluator(artifacts, dataEvaluationDatasets(data)),
  })
  const { database } = config
  const pipelines = new Pipelines({
    store,
    artifacts,
    clock,
    events,
    services: { data, registry, tracking },
    openQueue: database.kind === 'postgres' ? () => StepQueue.open(database.url) : undefined,
  })
  const serving = new Serving({
    store,
    artifacts,
    clock,
    events,
    registry: registryVersions(registry),
    datasets: dataDatasets(data),
  })
  const monitoring = new Monitoring({
    store,
    clock,
    events,
    serving: servingReader(serving),
    references: dataReferences(data, async (model, version) => {
      return (await registry.versions.get(model, version)).runId
    }),
    actuators: alertActuators(pipelines, serving),
  })
  lineage.registerRules(monitoringLineageRules)
  return {
    config,
    clock,
    store,
    artifacts,
    events,
    tracking,
    lineage,
    audit,
    registry,
    data,
    pipelines,
    serving,
    monitoring,
    async close() {
      await monitoring.close()
      await pipelines.close()
      await events.stop()
      await serving.close()
      await store.close()
    },
  }
}
