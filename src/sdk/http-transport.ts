import { LatheApiError } from './lathe-api-error.js'

/** How failed requests are retried: MLflow's client retries 429 and 5xx the same way. */
export interface RetryOptions {
  /** Retries after the first attempt (MLflow's MLFLOW_HTTP_REQUEST_MAX_RETRIES); default 5. */
  readonly maxRetries?: number
  /** The first backoff; each retry doubles it (MLflow's backoff factor); default 500 ms. */
  readonly backoffMs?: number
  /** No wait, Retry-After included, is longer than this; default 60 s. */
  readonly maxBackoffMs?: number
}

export interface TransportOptions {
  /** The server's base URL, `http://host:port` (a path prefix is kept). */
  readonly trackingUri: string
  /** Sent as `X-Lathe-User`: who the server records as the actor. */
  readonly user?: string | undefined
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch | undefined
  readonly retry?: RetryOptions | undefined
  /** Per attempt; default 120 s (MLflow's MLFLOW_HTTP_REQUEST_TIMEOUT). */
  readonly timeoutMs?: number | undefined
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** A request, rebuilt for each attempt: a streamed body cannot be sent twice. */
export interface RequestSpec {
  readonly method: Method
  readonly url: string
  readonly headers?: Record<string, string>
  readonly body?: () => RequestInit['body']
}

const RETRYABLE = new Set([429, 500, 502, 503, 504])

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or bad. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** The query string of a GET: repeated keys for arrays, as MLflow's client builds it. */
function queryString(input: Record<string, unknown>): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(input)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) query.append(key, String(item))
    }
  }
  const text = query.toString()
  return text ? `?${text}` : ''
}

/** HTTP to one server: JSON calls and raw requests, with MLflow's retry policy. */
export class HttpTransport {
  readonly baseUrl: string
  readonly #fetch: typeof fetch
  readonly #headers: Record<string, string>
  readonly #retry: Required<RetryOptions>
  readonly #timeoutMs: number

  constructor(options: TransportOptions) {
    this.baseUrl = options.trackingUri.replace(/\/+$/, '')
    this.#fetch = options.fetch ?? fetch
    this.#headers = {
      'user-agent': 'lathe-sdk',
      ...(options.user ? { 'x-lathe-user': options.user } : {}),
    }
    this.#retry = {
      maxRetries: options.retry?.maxRetries ?? 5,
      backoffMs: options.retry?.backoffMs ?? 500,
      maxBackoffMs: options.retry?.maxBackoffMs ?? 60_000,
    }
    this.#timeoutMs = options.timeoutMs ?? 120_000
  }

  /** Calls an MLflow JSON endpoint (`runs/get`): GET sends `input` as a query, others as JSON. */
  async call<T>(method: Exclude<Method, 'PUT'>, path: string, input: object = {}): Promise<T> {
    const url = `${this.baseUrl}/api/2.0/mlflow/${path}`
    const isGet = method === 'GET'
    const response = await this.request({
      method,
      url: isGet ? url + queryString(input as Record<string, unknown>) : url,
      headers: isGet ? {} : { 'content-type': 'application/json' },
      body: isGet ? undefined : () => JSON.stringify(input),
    })
    const text = await response.text()
    try {
      return (text ? JSON.parse(text) : {}) as T
    } catch {
      throw new LatheApiError(
        response.status,
        'INTERNAL_ERROR',
        `${path} answered non-JSON: ${text.slice(0, 200)}`,
      )
    }
  }

  /**
   * Sends a request, retrying network errors, 429 and 5xx with exponential backoff (or the
   * server's Retry-After). @throws LatheApiError for any other non-2xx answer, or the last one.
   */
  async request(spec: RequestSpec): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const isLast = attempt >= this.#retry.maxRetries
      let response: Response
      try {
        response = await this.#send(spec)
      } catch (err) {
        if (isLast) throw err
        await sleep(this.#backoff(attempt, undefined))
        continue
      }
      if (response.ok) return response
      if (!RETRYABLE.has(response.status) || isLast) {
        throw LatheApiError.fromBody(response.status, await response.text())
      }
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined)
      await sleep(this.#backoff(attempt, retryAfterMs(response.headers.get('retry-after'))))
    }
  }

  #send(spec: RequestSpec): Promise<Response> {
    const body = spec.body?.()
    const init: RequestInit & { duplex?: 'half' } = {
      method: spec.method,
      headers: { ...this.#headers, ...spec.headers },
      body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    }
    // Node's fetch streams a body only in half-duplex mode.
    if (body && typeof body === 'object' && Symbol.asyncIterator in body) init.duplex = 'half'
    return this.#fetch(spec.url, init)
  }

  #backoff(attempt: number, retryAfter: number | undefined): number {
    const exponential = this.#retry.backoffMs * 2 ** attempt
    // Jitter spreads the retries of many clients that failed together.
    const wait = retryAfter ?? exponential + Math.random() * this.#retry.backoffMs
    return Math.min(wait, this.#retry.maxBackoffMs)
  }
}
