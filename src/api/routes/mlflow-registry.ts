import type { FastifyInstance } from 'fastify'
import type { Lathe } from '../../main.js'
import type { ModelVersion, RegisteredModel } from '../../registry/index.js'
import * as C from '../contract/mlflow-registry.js'
import { pageToken } from '../mlflow-json.js'
import { mlflowPaths, rpc } from '../rpc.js'

/** Drops undefined fields and empty arrays: protobuf JSON omits unset fields. */
function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(obj).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>
}

/** A version as MLflow's `ModelVersion` message: the number is a string, status READY. */
export function modelVersionJson(v: ModelVersion) {
  return compact({
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    user_id: v.userId,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: v.status,
    tags: v.tags.map((t) => ({ key: t.key, value: t.value })),
    run_link: v.runLink,
    aliases: v.aliases,
    model_id: v.modelId,
  })
}

/** A model as MLflow's `RegisteredModel` message. */
export function registeredModelJson(m: RegisteredModel) {
  return compact({
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    user_id: m.userId,
    description: m.description,
    latest_versions: m.latestVersions.map(modelVersionJson),
    tags: m.tags.map((t) => ({ key: t.key, value: t.value })),
    aliases: m.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  })
}

/**
 * MLflow model-registry REST 2.0, so that `mlflow.register_model`,
 * `set_registered_model_alias` and `get_model_version_by_alias` work unchanged.
 */
export function mlflowRegistryRoutes(app: FastifyInstance, { registry }: Lathe): void {
  registeredModelRoutes(app, registry)
  aliasRoutes(app, registry)
  modelVersionRoutes(app, registry)
  modelVersionSearchStageTagRoutes(app, registry)
}

function registeredModelRoutes(app: FastifyInstance, { models }: Lathe['registry']) {
  const path = (p: string) => mlflowPaths(`registered-models/${p}`)
  const model = async (m: Promise<RegisteredModel>) => ({
    registered_model: registeredModelJson(await m),
  })
  rpc(app, 'POST', path('create'), C.CreateRegisteredModel, (b) => model(models.create(b)))
  rpc(app, 'GET', path('get'), C.RegisteredModelName, (q) => model(models.get(q.name)))
  rpc(app, 'POST', path('rename'), C.RenameRegisteredModel, (b) =>
    model(models.rename(b.name, b.new_name)),
  )
  rpc(app, 'PATCH', path('update'), C.UpdateRegisteredModel, (b) => model(models.update(b.name, b)))
  rpc(app, 'DELETE', path('delete'), C.RegisteredModelName, async (b) => {
    await models.delete(b.name)
    return {}
  })
  rpc(app, 'GET', path('search'), C.SearchRegisteredModels, async (q) => {
    const page = await models.search({
      filter: q.filter,
      orderBy: q.order_by,
      maxResults: q.max_results,
      pageToken: q.page_token,
    })
    return {
      registered_models: page.items.map(registeredModelJson),
      ...pageToken(page.nextPageToken),
    }
  })
  rpc(app, ['GET', 'POST'], path('get-latest-versions'), C.GetLatestVersions, async (b) => ({
    model_versions: (await models.latestVersions(b.name, b.stages)).map(modelVersionJson),
  }))
  rpc(app, 'POST', path('set-tag'), C.SetRegisteredModelTag, async (b) => {
    await models.setTag(b.name, { key: b.key, value: b.value })
    return {}
  })
  rpc(app, 'DELETE', path('delete-tag'), C.DeleteRegisteredModelTag, async (b) => {
    await models.deleteTag(b.name, b.key)
    return {}
  })
}

function aliasRoutes(app: FastifyInstance, { aliases }: Lathe['registry']) {
  const path = mlflowPaths('registered-models/alias')
  rpc(app, 'POST', path, C.SetRegisteredModelAlias, async (b) => {
    await aliases.set(b.name, b.alias, b.version)
    return {}
  })
  rpc(app, 'DELETE', path, C.RegisteredModelAlias, async (b) => {
    await aliases.delete(b.name, b.alias)
    return {}
  })
  rpc(app, 'GET', path, C.RegisteredModelAlias, async (q) => ({
    model_version: modelVersionJson(await aliases.getVersion(q.name, q.alias)),
  }))
}

const versionPath = (p: string) => mlflowPaths(`model-versions/${p}`)
const version = async (v: Promise<ModelVersion>) => ({ model_version: modelVersionJson(await v) })

/** Register, read, describe, delete versions. */
function modelVersionRoutes(app: FastifyInstance, { versions }: Lathe['registry']) {
  const path = versionPath
  rpc(app, 'POST', path('create'), C.CreateModelVersion, (b) =>
    version(
      versions.create({
        name: b.name,
        source: b.source,
        runId: b.run_id,
        tags: b.tags,
        runLink: b.run_link,
        description: b.description,
        modelId: b.model_id,
      }),
    ),
  )
  rpc(app, 'GET', path('get'), C.ModelVersionRef, (q) => version(versions.get(q.name, q.version)))
  rpc(app, 'PATCH', path('update'), C.UpdateModelVersion, (b) =>
    version(versions.update(b.name, b.version, b)),
  )
  rpc(app, 'DELETE', path('delete'), C.ModelVersionRef, async (b) => {
    await versions.delete(b.name, b.version)
    return {}
  })
}

/** Search versions, locate their files, move their stages, tag them. */
function modelVersionSearchStageTagRoutes(app: FastifyInstance, { versions }: Lathe['registry']) {
  const path = versionPath
  rpc(app, 'GET', path('search'), C.SearchModelVersions, async (q) => {
    const page = await versions.search({
      filter: q.filter,
      orderBy: q.order_by,
      maxResults: q.max_results,
      pageToken: q.page_token,
    })
    return { model_versions: page.items.map(modelVersionJson), ...pageToken(page.nextPageToken) }
  })
  rpc(app, 'GET', path('get-download-uri'), C.ModelVersionRef, async (q) => ({
    artifact_uri: await versions.downloadUri(q.name, q.version),
  }))
  rpc(app, 'POST', path('transition-stage'), C.TransitionModelVersionStage, (b) =>
    version(
      versions.transitionStage(b.name, b.version, {
        stage: b.stage,
        archiveExistingVersions: b.archive_existing_versions,
      }),
    ),
  )
  rpc(app, 'POST', path('set-tag'), C.SetModelVersionTag, async (b) => {
    await versions.setTag(b.name, b.version, { key: b.key, value: b.value })
    return {}
  })
  rpc(app, 'DELETE', path('delete-tag'), C.DeleteModelVersionTag, async (b) => {
    await versions.deleteTag(b.name, b.version, b.key)
    return {}
  })
}
