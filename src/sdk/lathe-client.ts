import { basename } from 'node:path'
import type {
  DatasetInput,
  Experiment,
  KeyValue,
  Metric,
  Page,
  Run,
  RunArtifact,
  RunInfo,
  RunStatus,
} from '../tracking/index.js'
import { downloadTree, filesUnder, isDirectory, proxyUrl, uploadFile } from './artifact-transfer.js'
import { chunkBatch, type Batch } from './batch.js'
import { HttpTransport, type TransportOptions } from './http-transport.js'
import type { CreateRun, SearchExperiments, SearchRuns } from './inputs.js'
import { LatheApiError } from './lathe-api-error.js'
import {
  datasetInputTo,
  experimentFrom,
  fileFrom,
  jsonList,
  jsonObject,
  metricFrom,
  metricTo,
  runFrom,
  runInfoFrom,
  type Json,
} from './wire.js'

export type LatheClientOptions = TransportOptions

// MLflow's client asks for this many points per metric-history page.
const HISTORY_PAGE = 25_000

const page = <T>(items: T[], token: unknown): Page<T> => ({
  items,
  nextPageToken: typeof token === 'string' && token !== '' ? token : undefined,
})

/**
 * A typed client for a remote Lathe (or any MLflow-compatible) tracking server, over the MLflow
 * REST API and artifact proxy. Failed calls raise `LatheApiError`; 429 and 5xx are retried.
 */
export class LatheClient {
  readonly #http: HttpTransport
  /** Artifact roots by run id: they never change, so one lookup per run (as MLflow's client). */
  readonly #roots = new Map<string, string>()

  constructor(options: LatheClientOptions) {
    this.#http = new HttpTransport(options)
  }

  /** Creates an experiment and returns its id. */
  async createExperiment(
    name: string,
    options: { artifactLocation?: string; tags?: readonly KeyValue[] } = {},
  ): Promise<string> {
    const body = { name, artifact_location: options.artifactLocation, tags: options.tags }
    const res = await this.#http.call<Json>('POST', 'experiments/create', body)
    return String(res.experiment_id)
  }

  /** The experiment with that id, deleted or not. */
  async getExperiment(experimentId: string): Promise<Experiment> {
    const res = await this.#http.call<Json>('GET', 'experiments/get', {
      experiment_id: experimentId,
    })
    return experimentFrom(jsonObject(res.experiment))
  }

  /** The experiment of that name, or undefined when there is none. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const res = await this.#http.call<Json>('GET', 'experiments/get-by-name', {
        experiment_name: name,
      })
      return experimentFrom(jsonObject(res.experiment))
    } catch (err) {
      if (err instanceof LatheApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST')
        return undefined
      throw err
    }
  }

  /** One page of experiments matching MLflow's filter grammar. */
  async searchExperiments(input: SearchExperiments = {}): Promise<Page<Experiment>> {
    const res = await this.#http.call<Json>('POST', 'experiments/search', {
      filter: input.filter,
      order_by: input.orderBy,
      view_type: input.viewType,
      max_results: input.maxResults,
      page_token: input.pageToken,
    })
    return page(jsonList(res.experiments).map(experimentFrom), res.next_page_token)
  }

  /** Starts a run (status RUNNING) in an experiment, the Default one ('0') if none is given. */
  async createRun(input: CreateRun = {}): Promise<Run> {
    const res = await this.#http.call<Json>('POST', 'runs/create', {
      experiment_id: input.experimentId,
      run_name: input.runName,
      start_time: input.startTime ?? Date.now(),
      tags: input.tags,
    })
    return runFrom(jsonObject(res.run))
  }

  /** The run, with the latest value of each metric. */
  async getRun(runId: string): Promise<Run> {
    const res = await this.#http.call<Json>('GET', 'runs/get', { run_id: runId })
    const run = runFrom(jsonObject(res.run))
    this.#roots.set(runId, run.info.artifactUri)
    return run
  }

  /** Changes a run's status, end time or name; returns its info after the change. */
  async updateRun(
    runId: string,
    input: { status?: RunStatus; endTime?: number; runName?: string },
  ): Promise<RunInfo> {
    const res = await this.#http.call<Json>('POST', 'runs/update', {
      run_id: runId,
      status: input.status,
      end_time: input.endTime,
      run_name: input.runName,
    })
    return runInfoFrom(jsonObject(res.run_info))
  }

  /** Ends a run with a terminal status, now. */
  endRun(runId: string, status: RunStatus = 'FINISHED'): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime: Date.now() })
  }

  /** Logs one metric point (step 0 and now unless given); NaN and ±Infinity are fine. */
  async logMetric(
    runId: string,
    key: string,
    value: number,
    options: { step?: number; timestamp?: number } = {},
  ): Promise<void> {
    const metric = {
      key,
      value,
      step: options.step ?? 0,
      timestamp: options.timestamp ?? Date.now(),
    }
    await this.#http.call('POST', 'runs/log-metric', { run_id: runId, ...metricTo(metric) })
  }

  /** Logs a param; logging the same key again with another value is refused. */
  async logParam(runId: string, key: string, value: string | number | boolean): Promise<void> {
    await this.#http.call('POST', 'runs/log-parameter', {
      run_id: runId,
      key,
      value: String(value),
    })
  }

  /** Sets a tag, overwriting any earlier value. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.#http.call('POST', 'runs/set-tag', { run_id: runId, key, value })
  }

  /** Logs any number of metrics, params and tags, in requests within MLflow's batch limits. */
  async logBatch(runId: string, batch: Batch): Promise<void> {
    for (const chunk of chunkBatch(batch)) {
      await this.#http.call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: (chunk.metrics ?? []).map(metricTo),
        params: chunk.params ?? [],
        tags: chunk.tags ?? [],
      })
    }
  }

  /** Records the datasets (and logged models) a run consumed. */
  async logInputs(
    runId: string,
    datasets: readonly DatasetInput[],
    models: readonly { modelId: string }[] = [],
  ): Promise<void> {
    await this.#http.call('POST', 'runs/log-inputs', {
      run_id: runId,
      datasets: datasets.map(datasetInputTo),
      models: models.map((m) => ({ model_id: m.modelId })),
    })
  }

  /** One page of runs; see `searchAllRuns` to walk every page. */
  async searchRuns(input: SearchRuns): Promise<Page<Run>> {
    const res = await this.#http.call<Json>('POST', 'runs/search', {
      experiment_ids: input.experimentIds,
      filter: input.filter,
      order_by: input.orderBy,
      run_view_type: input.viewType,
      max_results: input.maxResults,
      page_token: input.pageToken,
    })
    return page(jsonList(res.runs).map(runFrom), res.next_page_token)
  }

  /** Every run matching the search, page after page (`maxResults` is the page size). */
  async *searchAllRuns(input: SearchRuns): AsyncGenerator<Run> {
    let pageToken = input.pageToken
    do {
      const result = await this.searchRuns({ ...input, pageToken })
      yield* result.items
      pageToken = result.nextPageToken
    } while (pageToken !== undefined)
  }

  /** Every point ever logged for one metric of a run, by step then timestamp, page by page. */
  async getMetricHistory(
    runId: string,
    key: string,
    options: { pageSize?: number } = {},
  ): Promise<Metric[]> {
    const points: Metric[] = []
    let pageToken: string | undefined
    do {
      const res = await this.#http.call<Json>('GET', 'metrics/get-history', {
        run_id: runId,
        metric_key: key,
        max_results: options.pageSize ?? HISTORY_PAGE,
        page_token: pageToken,
      })
      points.push(...jsonList(res.metrics).map(metricFrom))
      pageToken = page([], res.next_page_token).nextPageToken
    } while (pageToken !== undefined)
    return points
  }

  /** Uploads one local file to `<artifactPath>/<file name>` under the run's artifact root. */
  async logArtifact(runId: string, localPath: string, artifactPath = ''): Promise<void> {
    if (await isDirectory(localPath)) {
      throw new Error(`${localPath} is a directory: use logArtifacts to upload a directory`)
    }
    const root = await this.#root(runId)
    const target = [artifactPath, basename(localPath)].filter((s) => s !== '').join('/')
    await uploadFile(this.#http, proxyUrl(this.#http.baseUrl, root, target), localPath)
  }

  /** Uploads every file under a local directory, keeping its layout, under `artifactPath`. */
  async logArtifacts(runId: string, localDir: string, artifactPath = ''): Promise<void> {
    const root = await this.#root(runId)
    for (const file of await filesUnder(localDir)) {
      const target = [artifactPath, file].filter((s) => s !== '').join('/')
      const url = proxyUrl(this.#http.baseUrl, root, target)
      await uploadFile(this.#http, url, `${localDir}/${file}`)
    }
  }

  /** The immediate children of `path` ('' for the root), with paths relative to the root. */
  async listArtifacts(runId: string, path = ''): Promise<RunArtifact[]> {
    const res = await this.#http.call<Json>('GET', 'artifacts/list', {
      run_id: runId,
      path: path || undefined,
    })
    return jsonList(res.files).map(fileFrom)
  }

  /**
   * Downloads an artifact file, or a directory with everything under it, into `dstDir` at its
   * relative path. Returns the local path of what was downloaded.
   */
  async downloadArtifacts(runId: string, path: string, dstDir: string): Promise<string> {
    const root = await this.#root(runId)
    const tree = {
      list: (p: string) => this.listArtifacts(runId, p),
      urlOf: (p: string) => proxyUrl(this.#http.baseUrl, root, p),
    }
    return downloadTree(this.#http, tree, path.replace(/^\/+|\/+$/g, ''), dstDir)
  }

  async #root(runId: string): Promise<string> {
    return this.#roots.get(runId) ?? (await this.getRun(runId)).info.artifactUri
  }
}
