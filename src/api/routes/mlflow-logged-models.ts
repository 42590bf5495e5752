import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Lathe } from '../../main.js'
import * as C from '../contract/mlflow-logged-models.js'
import { fileInfoJson, loggedModelJson, pageToken } from '../mlflow-json.js'
import { mlflowPaths, rpc } from '../rpc.js'

const MODEL = 'logged-models/:model_id'

function modelId(request: FastifyRequest): string {
  return C.ModelIdPath.parse(request.params).model_id
}

/**
 * MLflow 3 LoggedModel routes, called by `mlflow.<flavor>.log_model` and `register_model`:
 * create (PENDING), upload artifacts through the proxy, log params, finalize (READY), search.
 */
export function mlflowLoggedModelRoutes(app: FastifyInstance, { tracking }: Lathe): void {
  const { loggedModels } = tracking

  rpc(app, 'POST', mlflowPaths('logged-models'), C.CreateLoggedModel, async (b) => ({
    model: loggedModelJson(
      await loggedModels.create({
        experimentId: b.experiment_id,
        name: b.name,
        modelType: b.model_type,
        sourceRunId: b.source_run_id,
        params: b.params,
        tags: b.tags,
      }),
    ),
  }))
  rpc(app, 'POST', mlflowPaths('logged-models/search'), C.SearchLoggedModels, async (b) => {
    const page = await loggedModels.search({
      experimentIds: b.experiment_ids ?? [],
      filter: b.filter,
      datasets: b.datasets?.map((d) => ({
        datasetName: d.dataset_name,
        datasetDigest: d.dataset_digest,
      })),
      maxResults: b.max_results,
      orderBy: b.order_by?.map((o) => ({
        fieldName: o.field_name,
        ascending: o.ascending,
        datasetName: o.dataset_name,
        datasetDigest: o.dataset_digest,
      })),
      pageToken: b.page_token,
    })
    return { models: page.items.map(loggedModelJson), ...pageToken(page.nextPageToken) }
  })
  rpc(app, 'GET', mlflowPaths(MODEL), C.PathOnly, async (_q, request) => ({
    model: loggedModelJson(await loggedModels.get(modelId(request))),
  }))
  rpc(app, 'PATCH', mlflowPaths(MODEL), C.FinalizeLoggedModel, async (b, request) => ({
    model: loggedModelJson(await loggedModels.finalize(modelId(request), b.status)),
  }))
  rpc(app, 'DELETE', mlflowPaths(MODEL), C.PathOnly, async (_b, request) => {
    await loggedModels.delete(modelId(request))
    return {}
  })
  rpc(app, 'PATCH', mlflowPaths(`${MODEL}/tags`), C.SetLoggedModelTags, async (b, request) => ({
    model: loggedModelJson(await loggedModels.setTags(modelId(request), b.tags ?? [])),
  }))
  rpc(app, 'DELETE', mlflowPaths(`${MODEL}/tags/:tag_key`), C.PathOnly, async (_b, request) => {
    const { model_id, tag_key } = C.TagPath.parse(request.params)
    await loggedModels.deleteTag(model_id, tag_key)
    return {}
  })
  rpc(app, 'POST', mlflowPaths(`${MODEL}/params`), C.LogLoggedModelParams, async (b, request) => {
    await loggedModels.logParams(modelId(request), b.params ?? [])
    return {}
  })
  rpc(
    app,
    'GET',
    mlflowPaths(`${MODEL}/artifacts/directories`),
    C.ListLoggedModelArtifacts,
    async (q, request) => {
      const listing = await loggedModels.listArtifacts(
        modelId(request),
        q.artifact_directory_path ?? '',
      )
      return { root_uri: listing.rootUri, files: listing.files.map(fileInfoJson) }
    },
  )
}
