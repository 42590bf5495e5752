import type { FastifyInstance } from 'fastify'
import type { Lathe } from '../../main.js'
import * as C from '../contract/mlflow-tracking.js'
import { runIdFrom } from '../contract/mlflow-tracking.js'
import {
  experimentJson,
  fileInfoJson,
  metricJson,
  pageToken,
  runInfoJson,
  runJson,
} from '../mlflow-json.js'
import { mlflowPaths, rpc } from '../rpc.js'

/** MLflow tracking REST 2.0: experiments, runs, metrics, artifact listing. */
export function mlflowTrackingRoutes(app: FastifyInstance, { tracking }: Lathe): void {
  const { experiments, runs, inputs, artifacts } = tracking

  rpc(app, 'POST', mlflowPaths('experiments/create'), C.CreateExperiment, async (b) => ({
    experiment_id: await experiments.create({
      name: b.name,
      artifactLocation: b.artifact_location,
      tags: b.tags,
    }),
  }))
  rpc(app, 'GET', mlflowPaths('experiments/get'), C.ExperimentId, async (q) => ({
    experiment: experimentJson(await experiments.get(q.experiment_id)),
  }))
  rpc(app, 'GET', mlflowPaths('experiments/get-by-name'), C.ExperimentByName, async (q) => ({
    experiment: experimentJson(await experiments.getByName(q.experiment_name)),
  }))
  rpc(app, ['GET', 'POST'], mlflowPaths('experiments/search'), C.SearchExperiments, async (b) => {
    const page = await experiments.search({
      filter: b.filter,
      orderBy: b.order_by,
      viewType: b.view_type,
      maxResults: b.max_results,
      pageToken: b.page_token,
    })
    return { experiments: page.items.map(experimentJson), ...pageToken(page.nextPageToken) }
  })
  rpc(app, 'POST', mlflowPaths('experiments/update'), C.UpdateExperiment, async (b) => {
    await experiments.rename(b.experiment_id, b.new_name)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('experiments/delete'), C.ExperimentId, async (b) => {
    await experiments.delete(b.experiment_id)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('experiments/restore'), C.ExperimentId, async (b) => {
    await experiments.restore(b.experiment_id)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('experiments/set-experiment-tag'), C.SetExperimentTag, async (b) => {
    await experiments.setTag(b.experiment_id, { key: b.key, value: b.value })
    return {}
  })
  rpc(
    app,
    'POST',
    mlflowPaths('experiments/delete-experiment-tag'),
    C.DeleteExperimentTag,
    async (b) => {
      await experiments.deleteTag(b.experiment_id, b.key)
      return {}
    },
  )

  rpc(app, 'POST', mlflowPaths('runs/create'), C.CreateRun, async (b) => ({
    run: runJson(
      await runs.create({
        experimentId: b.experiment_id,
        userId: b.user_id,
        runName: b.run_name,
        startTime: b.start_time,
        tags: b.tags,
      }),
    ),
  }))
  rpc(app, 'GET', mlflowPaths('runs/get'), C.GetRun, async (q) => ({
    run: runJson(await runs.get(runIdFrom(q))),
  }))
  rpc(app, 'POST', mlflowPaths('runs/update'), C.UpdateRun, async (b) => ({
    run_info: runInfoJson(
      await runs.update(runIdFrom(b), {
        status: b.status,
        endTime: b.end_time,
        runName: b.run_name,
      }),
    ),
  }))
  rpc(app, 'POST', mlflowPaths('runs/delete'), C.RunIdOnly, async (b) => {
    await runs.delete(b.run_id)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/restore'), C.RunIdOnly, async (b) => {
    await runs.restore(b.run_id)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/log-metric'), C.LogMetric, async (b) => {
    const metric = { key: b.key, value: b.value, timestamp: b.timestamp, step: b.step }
    if (b.model_id) {
      const link = {
        modelId: b.model_id,
        datasetName: b.dataset_name,
        datasetDigest: b.dataset_digest,
      }
      await tracking.loggedModels.logRunMetric(runIdFrom(b), metric, link)
    } else await runs.logBatch(runIdFrom(b), { metrics: [metric] })
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/log-parameter'), C.LogParam, async (b) => {
    await runs.logBatch(runIdFrom(b), { params: [{ key: b.key, value: b.value }] })
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/set-tag'), C.SetTag, async (b) => {
    await runs.logBatch(runIdFrom(b), { tags: [{ key: b.key, value: b.value }] })
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/delete-tag'), C.DeleteTag, async (b) => {
    await runs.deleteTag(b.run_id, b.key)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/log-batch'), C.LogBatch, async (b) => {
    await runs.logBatch(runIdFrom(b), { metrics: b.metrics, params: b.params, tags: b.tags })
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/log-inputs'), C.LogInputs, async (b) => {
    await inputs.logInputs(
      b.run_id,
      (b.datasets ?? []).map((d) => ({
        tags: d.tags ?? [],
        dataset: {
          name: d.dataset.name,
          digest: d.dataset.digest,
          sourceType: d.dataset.source_type,
          source: d.dataset.source,
          schema: d.dataset.schema,
          profile: d.dataset.profile,
        },
      })),
      (b.models ?? []).map((m) => ({ modelId: m.model_id })),
    )
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/outputs'), C.LogOutputs, async (b) => {
    await inputs.logOutputs(
      b.run_id,
      b.models.map((m) => ({ modelId: m.model_id, step: m.step })),
    )
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/log-model'), C.LogModel, async (b) => {
    await runs.appendModelHistory(runIdFrom(b), b.model_json)
    return {}
  })
  rpc(app, 'POST', mlflowPaths('runs/search'), C.SearchRuns, async (b) => {
    const page = await tracking.searchRuns({
      experimentIds: b.experiment_ids ?? [],
      filter: b.filter,
      orderBy: b.order_by,
      viewType: b.run_view_type,
      maxResults: b.max_results,
      pageToken: b.page_token,
    })
    return { runs: page.items.map(runJson), ...pageToken(page.nextPageToken) }
  })
  rpc(app, 'GET', mlflowPaths('metrics/get-history'), C.GetMetricHistory, async (q) => {
    const page = await runs.metricHistory(runIdFrom(q), q.metric_key, {
      maxResults: q.max_results,
      pageToken: q.page_token,
    })
    return { metrics: page.items.map(metricJson), ...pageToken(page.nextPageToken) }
  })
  rpc(app, 'GET', mlflowPaths('artifacts/list'), C.ListArtifacts, async (q) => {
    const { rootUri, files } = await artifacts.list(runIdFrom(q), q.path ?? '')
    return { root_uri: rootUri, files: files.map(fileInfoJson) }
  })
}
