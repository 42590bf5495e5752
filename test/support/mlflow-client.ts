import { z } from 'zod'
import type { TestBackend } from './backends.js'
import { startTestLathe, type TestLathe } from './lathe.js'

/*
 * A tiny stand-in for the MLflow Python client (rest_store.py, rest_utils.call_endpoint,
 * http_artifact_repo.py): it sends the same requests, and reads responses the way
 * protobuf's parse_dict does — unknown fields ignored, absent fields read as their proto
 * default, and a value of the wrong JSON type is an error.
 */

const int64 = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .default(0)
const double = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)])
  .default(0)
const string = z.string().default('')
const repeated = <T extends z.ZodType>(item: T) => z.array(item).default([])
const KeyValue = z.object({ key: string, value: string })

const Metric = z.object({ key: string, value: double, timestamp: int64, step: int64 })
const Experiment = z.object({
  experiment_id: string,
  name: string,
  artifact_location: string,
  lifecycle_stage: string,
  last_update_time: int64,
  creation_time: int64,
  tags: repeated(KeyValue),
})
const RunInfo = z.object({
  run_id: string,
  run_uuid: string,
  run_name: string,
  experiment_id: string,
  user_id: string,
  status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']).default('RUNNING'),
  start_time: int64,
  end_time: int64,
  artifact_uri: string,
  lifecycle_stage: string,
})
const Dataset = z.object({
  name: string,
  digest: string,
  source_type: string,
  source: string,
  schema: string,
  profile: string,
})
const Run = z.object({
  info: RunInfo,
  data: z
    .object({ metrics: repeated(Metric), params: repeated(KeyValue), tags: repeated(KeyValue) })
    .default({ metrics: [], params: [], tags: [] }),
  inputs: z
    .object({ dataset_inputs: repeated(z.object({ tags: repeated(KeyValue), dataset: Dataset })) })
    .default({ dataset_inputs: [] }),
})
const FileInfo = z.object({ path: string, is_dir: z.boolean().default(false), file_size: int64 })
/** The client reads an absent or empty next_page_token as "no next page". */
const PageToken = z
  .string()
  .optional()
  .transform((t) => t || undefined)

export type Experiment = z.output<typeof Experiment>
export type Run = z.output<typeof Run>
export type RunInfo = z.output<typeof RunInfo>
export type Metric = z.output<typeof Metric>
export type FileInfo = z.output<typeof FileInfo>
export type KeyValue = { key: string; value: string }
export interface Page<T> {
  items: T[]
  nextPageToken: string | undefined
}

/** A non-200 answer, as the client's RestException sees it. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(`${status} ${errorCode}: ${message}`)
  }
}

type Json = Record<string, unknown>

/** protobuf JSON writes NaN and infinities as strings; message_to_json drops unset fields. */
function toJson(body: Json): Json {
  const out: Json = {}
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue
    out[key] =
      typeof value === 'number' && !Number.isFinite(value)
        ? Number.isNaN(value)
          ? 'NaN'
          : value > 0
            ? 'Infinity'
            : '-Infinity'
        : Array.isArray(value)
          ? value.map((v) => (v && typeof v === 'object' ? toJson(v as Json) : v))
          : value
  }
  return out
}

/** `requests`' params encoding: lists become repeated keys, None is dropped. */
function queryString(body: Json): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
  }
  return query.toString()
}

export class MlflowClient {
  readonly #artifactUris = new Map<string, string>()

  /** `trackingUri` is what MLFLOW_TRACKING_URI would hold: `http://127.0.0.1:5000`. */
  constructor(readonly trackingUri: string) {}

  /** rest_utils.call_endpoint: GET → query string, anything else → JSON body; non-200 throws. */
  async call(method: 'GET' | 'POST', endpoint: string, body: Json = {}): Promise<Json> {
    const json = toJson(body)
    const url = `${this.trackingUri}/api/2.0/mlflow/${endpoint}`
    const response = await fetch(method === 'GET' ? `${url}?${queryString(json)}` : url, {
      method,
      headers: {
        'User-Agent': 'mlflow-python-client/2.19.0',
        ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }),
      },
      body: method === 'GET' ? undefined : JSON.stringify(json),
    })
    return readJson(response)
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const r = await this.call('GET', 'experiments/get-by-name', { experiment_name: name })
      return Experiment.parse(r.experiment)
    } catch (err) {
      if (err instanceof RestError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined
      throw err
    }
  }

  async createExperiment(
    name: string,
    opts: { artifactLocation?: string; tags?: KeyValue[] } = {},
  ): Promise<string> {
    const r = await this.call('POST', 'experiments/create', {
      name,
      artifact_location: opts.artifactLocation,
      tags: opts.tags,
    })
    return string.parse(r.experiment_id)
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const r = await this.call('GET', 'experiments/get', { experiment_id: experimentId })
    return Experiment.parse(r.experiment)
  }

  /** mlflow.set_experiment: get-by-name, create when missing (losing a race is fine), then get. */
  async setExperiment(name: string): Promise<Experiment> {
    const found = await this.getExperimentByName(name)
    if (found) return found
    try {
      return await this.getExperiment(await this.createExperiment(name))
    } catch (err) {
      if (!(err instanceof RestError && err.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err
      return (await this.getExperimentByName(name))!
    }
  }

  async searchExperiments(
    opts: {
      viewType?: string
      maxResults?: number
      filter?: string
      orderBy?: string[]
      pageToken?: string
    } = {},
  ): Promise<Page<Experiment>> {
    const r = await this.call('POST', 'experiments/search', {
      view_type: opts.viewType,
      max_results: opts.maxResults,
      page_token: opts.pageToken,
      order_by: opts.orderBy,
      filter: opts.filter,
    })
    return {
      items: repeated(Experiment).parse(r.experiments),
      nextPageToken: PageToken.parse(r.next_page_token),
    }
  }

  /** MlflowClient.create_run: user_id comes from the mlflow.user tag. */
  async createRun(
    experimentId: string,
    opts: { startTime?: number; tags?: KeyValue[]; runName?: string } = {},
  ): Promise<Run> {
    const tags = opts.tags ?? []
    const r = await this.call('POST', 'runs/create', {
      experiment_id: experimentId,
      user_id: tags.find((t) => t.key === 'mlflow.user')?.value ?? 'unknown',
      start_time: opts.startTime ?? Date.now(),
      tags,
      run_name: opts.runName,
    })
    return Run.parse(r.run)
  }

  async getRun(runId: string): Promise<Run> {
    const r = await this.call('GET', 'runs/get', { run_uuid: runId, run_id: runId })
    return Run.parse(r.run)
  }

  async updateRun(
    runId: string,
    opts: { status?: string; endTime?: number; runName?: string },
  ): Promise<RunInfo> {
    const r = await this.call('POST', 'runs/update', {
      run_uuid: runId,
      run_id: runId,
      status: opts.status,
      end_time: opts.endTime,
      run_name: opts.runName,
    })
    return RunInfo.parse(r.run_info)
  }

  async logParam(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/log-parameter', { run_uuid: runId, run_id: runId, key, value })
  }

  async logMetric(runId: string, metric: Metric): Promise<void> {
    await this.call('POST', 'runs/log-metric', { run_uuid: runId, run_id: runId, ...metric })
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/set-tag', { run_uuid: runId, run_id: runId, key, value })
  }

  async logBatch(
    runId: string,
    batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] },
  ): Promise<void> {
    await this.call('POST', 'runs/log-batch', {
      metrics: batch.metrics?.map((m) => toJson(m)),
      params: batch.params,
      tags: batch.tags,
      run_id: runId,
    })
  }

  async searchRuns(opts: {
    experimentIds: string[]
    filter?: string
    runViewType?: string
    maxResults?: number
    orderBy?: string[]
    pageToken?: string
  }): Promise<Page<Run>> {
    const r = await this.call('POST', 'runs/search', {
      experiment_ids: opts.experimentIds,
      filter: opts.filter,
      run_view_type: opts.runViewType ?? 'ACTIVE_ONLY',
      max_results: opts.maxResults ?? 1000,
      order_by: opts.orderBy,
      page_token: opts.pageToken,
    })
    return { items: repeated(Run).parse(r.runs), nextPageToken: PageToken.parse(r.next_page_token) }
  }

  async getMetricHistory(
    runId: string,
    key: string,
    opts: { maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Metric>> {
    const r = await this.call('GET', 'metrics/get-history', {
      run_uuid: runId,
      run_id: runId,
      metric_key: key,
      max_results: opts.maxResults,
      page_token: opts.pageToken,
    })
    return {
      items: repeated(Metric).parse(r.metrics),
      nextPageToken: PageToken.parse(r.next_page_token),
    }
  }

  /** Every page of a paged call, following next_page_token as the client's PagedList users do. */
  async all<T>(page: (token: string | undefined) => Promise<Page<T>>): Promise<T[][]> {
    const pages: T[][] = []
    let token: string | undefined
    do {
      const next = await page(token)
      pages.push(next.items)
      token = next.nextPageToken
    } while (token !== undefined)
    return pages
  }

  /** mlflow.log_artifact: runs/get once per run, then one PUT through the artifact proxy. */
  async logArtifact(runId: string, fileName: string, bytes: string, artifactPath?: string) {
    const path = artifactPath ? `${artifactPath}/${fileName}` : fileName
    const response = await fetch(`${await this.#artifactRoot(runId)}/${path}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytes,
    })
    await readJson(response)
  }

  /** HttpArtifactRepository.list_artifacts: paths come back relative to the run's root. */
  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    const [host, tail] = (await this.#artifactRoot(runId)).split('/mlflow-artifacts/artifacts')
    const root = tail!.replace(/^\/+/, '')
    const query = new URLSearchParams({ path: path ? `${root}/${path}` : root })
    const r = await readJson(await fetch(`${host}/mlflow-artifacts/artifacts?${query}`))
    return repeated(FileInfo)
      .parse(r.files)
      .map((f) => ({ ...f, path: path ? `${path}/${f.path}` : f.path }))
      .sort((a, b) => (a.path < b.path ? -1 : 1))
  }

  /** download_artifacts: list (recursing into directories), then one GET per file. */
  async downloadArtifacts(runId: string, path?: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {}
    for (const entry of await this.listArtifacts(runId, path)) {
      if (entry.is_dir) Object.assign(files, await this.downloadArtifacts(runId, entry.path))
      else {
        const response = await fetch(`${await this.#artifactRoot(runId)}/${entry.path}`)
        if (response.status !== 200) throw new RestError(response.status, 'DOWNLOAD', entry.path)
        files[entry.path] = await response.text()
      }
    }
    return files
  }

  /** `mlflow-artifacts:/<exp>/<run>/artifacts` resolved against the tracking URI. */
  async #artifactRoot(runId: string): Promise<string> {
    let uri = this.#artifactUris.get(runId)
    if (uri === undefined) {
      uri = (await this.getRun(runId)).info.artifact_uri
      this.#artifactUris.set(runId, uri)
    }
    const path = uri.replace(/^mlflow-artifacts:\/*/, '')
    return `${this.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${path}`
  }
}

/** verify_rest_response: a 200 must carry a JSON object; anything else is a RestError. */
async function readJson(response: Response): Promise<Json> {
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body)
  if (response.status !== 200) {
    const b = (isObject ? body : {}) as { error_code?: string; message?: string }
    throw new RestError(response.status, b.error_code ?? 'NO_JSON', b.message ?? text)
  }
  if (!isObject) throw new Error(`A 200 answer without a JSON object body: '${text.slice(0, 200)}'`)
  return body as Json
}

/** A Lathe on a fresh database of `backend`, listening on a real port, and a client for it. */
export async function startMlflowServer(
  backend: TestBackend,
): Promise<TestLathe & { url: string; client: MlflowClient }> {
  const t = await startTestLathe(backend)
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' })
  return { ...t, url, client: new MlflowClient(url) }
}
