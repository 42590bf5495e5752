import { z } from 'zod'
import type { TestBackend } from './backends.js'
import { startTestLathe, type TestLathe } from './lathe.js'

/*
 * A tiny stand-in for the MLflow Python client (rest_store.py, rest_utils.call_endpoint,
 * http_artifact_repo.py): it sends the same requests, and reads responses the way protobuf's
 * parse_dict does — unknown fields ignored, absent fields read as their proto default, and a
 * value of the wrong JSON type is an error.
 */

const digits = z.string().regex(/^-?\d+$/)
const int64 = z.union([z.number().int(), digits.transform(Number)]).default(0)
const double = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)])
  .default(0)
const string = z.string().default('')
const repeated = <T extends z.ZodType>(item: T) => z.array(item).default([])
const strings = <K extends string>(...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, string])) as Record<K, typeof string>
const KeyValue = z.object({ key: string, value: string })
const Metric = z.object({ key: string, value: double, timestamp: int64, step: int64 })
const Experiment = z.object({
  ...strings('experiment_id', 'name', 'artifact_location', 'lifecycle_stage'),
  last_update_time: int64,
  creation_time: int64,
  tags: repeated(KeyValue),
})
const RunInfo = z.object({
  ...strings('run_id', 'run_uuid', 'run_name', 'experiment_id', 'user_id', 'artifact_uri'),
  ...strings('lifecycle_stage'),
  status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']).default('RUNNING'),
  start_time: int64,
  end_time: int64,
})
const Dataset = z.object(strings('name', 'digest', 'source_type', 'source', 'schema', 'profile'))
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

export type Experiment = z.output<typeof Experiment>
export type Run = z.output<typeof Run>
export type RunInfo = z.output<typeof RunInfo>
export type Metric = z.output<typeof Metric>
export type FileInfo = z.output<typeof FileInfo>
export type KeyValue = { key: string; value: string }
export type Page<T> = { items: T[]; nextPageToken: string | undefined }
type Json = Record<string, unknown>
const USER_AGENT = 'mlflow-python-client/2.19.0'
type Paging = { maxResults?: number; pageToken?: string }
type Search = Paging & { filter?: string; orderBy?: string[] }
/** The Python client names a run twice in most requests: `run_uuid` for old servers. */
const runIds = (runId: string) => ({ run_uuid: runId, run_id: runId })

/** One page of `key`; the client reads an absent or empty next_page_token as the last page. */
function page<T extends z.ZodType>(item: T, response: Json, key: string): Page<z.output<T>> {
  const token = z.string().optional().parse(response.next_page_token)
  return { items: repeated(item).parse(response[key]), nextPageToken: token || undefined }
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

/** Rethrows `err` unless it is a RestError with `code`, which the client treats as `value`. */
function unless<T>(err: unknown, code: string, value: T): T {
  if (err instanceof RestError && err.errorCode === code) return value
  throw err
}

/** What Python's mimetypes guesses for the file names the tests upload (log_artifact sends it). */
const MIME_TYPES: Record<string, string> = { json: 'application/json', txt: 'text/plain' }

/** message_to_json: unset fields dropped, NaN and infinities as protobuf JSON's strings. */
function toJson(body: Json): string {
  return JSON.stringify(body, (_key, v: unknown) =>
    typeof v !== 'number' || Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : String(v),
  )
}

/** Our camelCase options as the request message's snake_case fields (`maxResults` → `max_results`). */
function snake(opts: Json): Json {
  return Object.fromEntries(
    Object.entries(opts).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  )
}

/** `requests`' params encoding: lists become repeated keys, None is dropped. */
function queryString(body: Json): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(JSON.parse(toJson(body)) as Json))
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item))
  return query.toString()
}

export class MlflowClient {
  readonly #artifactUris = new Map<string, string>()

  /** `trackingUri` is what MLFLOW_TRACKING_URI would hold: `http://127.0.0.1:5000`. */
  constructor(readonly trackingUri: string) {}

  /** rest_utils.call_endpoint: GET → query string, anything else → JSON body; non-200 throws. */
  async call(method: 'GET' | 'POST', endpoint: string, body: Json = {}): Promise<Json> {
    const url = `${this.trackingUri}/api/2.0/mlflow/${endpoint}`
    const isGet = method === 'GET'
    const headers = { 'User-Agent': USER_AGENT, 'Content-Type': 'application/json' }
    const response = isGet
      ? await fetch(`${url}?${queryString(body)}`, { headers: { 'User-Agent': USER_AGENT } })
      : await fetch(url, { method, headers, body: toJson(body) })
    return readJson(response)
  }

  /** RestStore.get_experiment_by_name: RESOURCE_DOES_NOT_EXIST reads as "none". */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const r = await this.call('GET', 'experiments/get-by-name', { experiment_name: name }).catch(
      (err: unknown) => unless(err, 'RESOURCE_DOES_NOT_EXIST', undefined),
    )
    return r && Experiment.parse(r.experiment)
  }

  async createExperiment(
    name: string,
    opts: { artifactLocation?: string; tags?: KeyValue[] } = {},
  ) {
    const body = { name, artifact_location: opts.artifactLocation, tags: opts.tags }
    return string.parse((await this.call('POST', 'experiments/create', body)).experiment_id)
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const r = await this.call('GET', 'experiments/get', { experiment_id: experimentId })
    return Experiment.parse(r.experiment)
  }

  /** mlflow.set_experiment: get-by-name, create when missing (losing a race is fine), then get. */
  async setExperiment(name: string): Promise<Experiment> {
    const found = await this.getExperimentByName(name)
    if (found) return found
    const id = await this.createExperiment(name).catch((err: unknown) =>
      unless(err, 'RESOURCE_ALREADY_EXISTS', undefined),
    )
    return id === undefined ? (await this.getExperimentByName(name))! : this.getExperiment(id)
  }

  async searchExperiments(opts: Search & { viewType?: string } = {}): Promise<Page<Experiment>> {
    const r = await this.call('POST', 'experiments/search', snake(opts))
    return page(Experiment, r, 'experiments')
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
    return Run.parse((await this.call('GET', 'runs/get', runIds(runId))).run)
  }

  async updateRun(runId: string, opts: { status?: string; endTime?: number; runName?: string }) {
    const r = await this.call('POST', 'runs/update', { ...runIds(runId), ...snake(opts) })
    return RunInfo.parse(r.run_info)
  }

  async logParam(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/log-parameter', { ...runIds(runId), key, value })
  }

  async logMetric(runId: string, metric: Metric): Promise<void> {
    await this.call('POST', 'runs/log-metric', { ...runIds(runId), ...metric })
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/set-tag', { ...runIds(runId), key, value })
  }

  async logBatch(
    runId: string,
    batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] },
  ) {
    await this.call('POST', 'runs/log-batch', { ...batch, run_id: runId })
  }

  async searchRuns(
    opts: Search & { experimentIds: string[]; runViewType?: string },
  ): Promise<Page<Run>> {
    const defaults = { runViewType: 'ACTIVE_ONLY', maxResults: 1000 }
    const r = await this.call('POST', 'runs/search', snake({ ...defaults, ...opts }))
    return page(Run, r, 'runs')
  }

  async getMetricHistory(runId: string, key: string, opts: Paging = {}): Promise<Page<Metric>> {
    const body = { ...runIds(runId), metric_key: key, ...snake(opts) }
    const r = await this.call('GET', 'metrics/get-history', body)
    return page(Metric, r, 'metrics')
  }

  /** Every page of a paged call, following next_page_token to the end. */
  async all<T>(next: (token: string | undefined) => Promise<Page<T>>): Promise<T[][]> {
    const pages: T[][] = []
    let token: string | undefined
    do {
      const { items, nextPageToken } = await next(token)
      pages.push(items)
      token = nextPageToken
    } while (token !== undefined)
    return pages
  }

  /** mlflow.log_artifact: runs/get once per run, then one PUT through the artifact proxy. */
  async logArtifact(runId: string, fileName: string, bytes: string, artifactPath?: string) {
    const path = artifactPath ? `${artifactPath}/${fileName}` : fileName
    const type = MIME_TYPES[fileName.split('.').pop() ?? ''] ?? 'application/octet-stream'
    const url = `${await this.#artifactRoot(runId)}/${path}`
    await readJson(
      await fetch(url, { method: 'PUT', headers: { 'Content-Type': type }, body: bytes }),
    )
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
    const uri = this.#artifactUris.get(runId) ?? (await this.getRun(runId)).info.artifact_uri
    this.#artifactUris.set(runId, uri)
    return `${this.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${uri.replace(/^mlflow-artifacts:\/*/, '')}`
  }
}

/** verify_rest_response: a 200 must carry a JSON object; anything else is a RestError. */
async function readJson(response: Response): Promise<Json> {
  const text = await response.text()
  const body: unknown = await Promise.resolve(text)
    .then(JSON.parse)
    .catch(() => undefined)
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
