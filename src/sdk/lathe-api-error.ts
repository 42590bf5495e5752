/** What an HTTP status means when the server's body carried no MLflow error code (a proxy's page). */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  413: 'REQUEST_LIMIT_EXCEEDED',
  429: 'REQUEST_LIMIT_EXCEEDED',
  501: 'NOT_IMPLEMENTED',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

/**
 * An error answered by a Lathe (or MLflow) server: `errorCode` is the server's `error_code`
 * (`RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`, …), `status` the HTTP status.
 */
export class LatheApiError extends Error {
  constructor(
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The server's MLflow error code, or one derived from the status when it sent none. */
    readonly errorCode: string,
    message: string,
  ) {
    super(message)
    this.name = 'LatheApiError'
  }

  /** Builds the error from a non-2xx answer's body, JSON or not. */
  static fromBody(status: number, text: string): LatheApiError {
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown }
      if (body && typeof body.error_code === 'string') {
        const message = typeof body.message === 'string' ? body.message : text
        return new LatheApiError(status, body.error_code, message)
      }
    } catch {
      // Not JSON: fall through and describe the status.
    }
    const code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST')
    return new LatheApiError(status, code, `HTTP ${status}: ${text.slice(0, 500)}`)
  }
}
