/*
 * A small typed client over the same HTTP APIs the SDK and MLflow clients use. Types mirror
 * MLflow's JSON: protobuf omits unset fields, so most are optional.
 */

export interface KeyValue {
  readonly key: string
  readonly value: string
}

export interface Experiment {
  readonly experiment_id: string
  readonly name: string
  readonly artifact_location?: string
  readonly lifecycle_stage?: string
  readonly creation_time?: number
  readonly last_update_time?: number
  readonly tags?: readonly KeyValue[]
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'

export interface RunInfo {
  readonly run_id: string
  readonly run_name?: string
  readonly experiment_id: string
  readonly user_id?: string
  readonly status?: RunStatus
  readonly start_time?: number
  readonly end_time?: number
  readonly artifact_uri?: string
  readonly lifecycle_stage?: string
}

/** A metric point; NaN and ±Infinity travel as the strings protobuf JSON uses. */
export interface Metric {
  readonly key: string
  readonly value: number | 'NaN' | 'Infinity' | '-Infinity'
  readonly timestamp: number
  readonly step?: number
}

export interface Dataset {
  readonly name: string
  readonly digest: string
  readonly source_type?: string
  readonly source?: string
  readonly schema?: string
  readonly profile?: string
}

export interface DatasetInput {
  readonly tags?: readonly KeyValue[]
  readonly dataset: Dataset
}

export interface Run {
  readonly info: RunInfo
  readonly data?: {
    readonly metrics?: readonly Metric[]
    readonly params?: readonly KeyValue[]
    readonly tags?: readonly KeyValue[]
  }
  readonly inputs?: { readonly dataset_inputs?: readonly DatasetInput[] }
}

export interface FileInfo {
  readonly path: string
  readonly is_dir?: boolean
  readonly file_size?: number
}

/** A failed call: `status` 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

const MLFLOW = '/api/2.0/mlflow'

/** One JSON call: the parsed body, or an ApiError carrying the server's own message. */
export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, init)
  } catch (err) {
    if (init.signal?.aborted) throw err
    throw new ApiError(0, 'UNREACHABLE', 'Cannot reach the Lathe server. Is it running?')
  }
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : {}
  } catch {
    body = undefined
  }
  if (!response.ok) {
    const error = body as { error_code?: string; message?: string } | undefined
    throw new ApiError(
      response.status,
      error?.error_code ?? 'HTTP_ERROR',
      error?.message ?? `The server answered ${response.status} ${response.statusText}`,
    )
  }
  if (body === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', 'Invalid JSON')
  return body as T
}

function get<T>(
  path: string,
  query: Record<string, string | number | undefined>,
  signal?: AbortSignal,
) {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined)
  const search = new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))
  return call<T>(`${MLFLOW}/${path}?${search}`, { signal })
}

function post<T>(path: string, body: object, signal?: AbortSignal) {
  return call<T>(`${MLFLOW}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  })
}

/** All active experiments, every page. */
export async function searchExperiments(signal?: AbortSignal): Promise<Experiment[]> {
  const all: Experiment[] = []
  let pageToken: string | undefined
  do {
    const page = await post<{ experiments?: Experiment[]; next_page_token?: string }>(
      'experiments/search',
      { max_results: 50_000, page_token: pageToken },
      signal,
    )
    all.push(...(page.experiments ?? []))
    pageToken = page.next_page_token
  } while (pageToken)
  return all
}

export async function getExperiment(id: string, signal?: AbortSignal): Promise<Experiment> {
  return (await get<{ experiment: Experiment }>('experiments/get', { experiment_id: id }, signal))
    .experiment
}

export interface RunSearch {
  readonly experimentIds: readonly string[]
  readonly filter?: string
  /** Called after each page with the runs so far, so a long list shows while it loads. */
  readonly onPage?: (runs: readonly Run[]) => void
}

/** Every run matching the search, fetched in pages of 10,000. */
export async function searchAllRuns(search: RunSearch, signal?: AbortSignal): Promise<Run[]> {
  const all: Run[] = []
  let pageToken: string | undefined
  do {
    const page = await post<{ runs?: Run[]; next_page_token?: string }>(
      'runs/search',
      {
        experiment_ids: search.experimentIds,
        filter: search.filter || undefined,
        max_results: 10_000,
        page_token: pageToken,
      },
      signal,
    )
    all.push(...(page.runs ?? []))
    pageToken = page.next_page_token
    if (pageToken) search.onPage?.(all)
  } while (pageToken)
  return all
}

export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  return (await get<{ run: Run }>('runs/get', { run_id: runId }, signal)).run
}

/** Every point of one metric of one run, in pages of 100,000. */
export async function metricHistory(
  runId: string,
  key: string,
  signal?: AbortSignal,
): Promise<Metric[]> {
  const all: Metric[] = []
  let pageToken: string | undefined
  do {
    const page = await get<{ metrics?: Metric[]; next_page_token?: string }>(
      'metrics/get-history',
      { run_id: runId, metric_key: key, max_results: 100_000, page_token: pageToken },
      signal,
    )
    all.push(...(page.metrics ?? []))
    pageToken = page.next_page_token
  } while (pageToken)
  return all
}

export async function listArtifacts(
  runId: string,
  path: string,
  signal?: AbortSignal,
): Promise<FileInfo[]> {
  const query = { run_id: runId, path: path || undefined }
  return (await get<{ files?: FileInfo[] }>('artifacts/list', query, signal)).files ?? []
}

/** The artifact proxy URL of a file under a run's artifact root. */
export function artifactUrl(run: RunInfo, path: string): string {
  const root = (run.artifact_uri ?? '').replace(/^mlflow-artifacts:\/*/, '')
  const encoded = `${root}/${path}`.split('/').map(encodeURIComponent).join('/')
  return `/api/2.0/mlflow-artifacts/artifacts/${encoded}`
}

/** The start of an artifact as text (at most `maxBytes`), and whether it was cut. */
export async function artifactText(
  url: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ text: string; isTruncated: boolean; isBinary: boolean }> {
  const response = await fetch(url, { signal }).catch((err: unknown) => {
    if (signal?.aborted) throw err
    throw new ApiError(0, 'UNREACHABLE', 'Cannot reach the Lathe server. Is it running?')
  })
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { message?: string }
    throw new ApiError(response.status, 'HTTP_ERROR', body.message ?? response.statusText)
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let isTruncated = false
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
    if (size > maxBytes) {
      isTruncated = true
      await reader.cancel()
      break
    }
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  const head = bytes.subarray(0, Math.min(size, maxBytes))
  return {
    text: new TextDecoder().decode(head),
    isTruncated,
    isBinary: head.subarray(0, 8000).includes(0),
  }
}

/** A metric value as a number (NaN and the infinities included). */
export function metricValue(m: Pick<Metric, 'value'>): number {
  return typeof m.value === 'number' ? m.value : Number(m.value)
}
