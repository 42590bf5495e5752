import type { FastifyError } from 'fastify'
import { ZodError } from 'zod'
import { DomainError, type ErrorCode } from '../shared/errors.js'

/** Codes only the HTTP edge produces (routing, body parsing, limits). */
export type EdgeErrorCode =
  | 'ENDPOINT_NOT_FOUND'
  | 'BAD_REQUEST'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_IMPLEMENTED'
  | 'INTERNAL_ERROR'

/** The one body shape every error has, on MLflow routes and native ones alike. */
export interface ErrorBody {
  error_code: ErrorCode | EdgeErrorCode
  message: string
}

const STATUS = {
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400, // MLflow clients expect 400 here, not 409
  INVALID_PARAMETER_VALUE: 400,
  INVALID_STATE: 409,
  PERMISSION_DENIED: 403,
  TEMPORARILY_UNAVAILABLE: 503, // MLflow's code for it; clients and load balancers retry
} satisfies Record<ErrorCode, number>

/** An error raised by the edge itself, with its status. */
export class EdgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: EdgeErrorCode,
    message: string,
  ) {
    super(message)
  }
}

function zodMessage(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : 'body'
      return `${field}: ${issue.message}`
    })
    .join('; ')
}

function fastifyError(err: FastifyError): { status: number; body: ErrorBody } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'Request body is too large' },
      }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: {
          error_code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'This endpoint accepts only application/json bodies',
        },
      }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { error_code: 'BAD_REQUEST', message: 'The JSON body is empty' } }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        body: { error_code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
      }
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return {
      status: 400,
      body: { error_code: 'BAD_REQUEST', message: `Malformed JSON body: ${err.message}` },
    }
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: { error_code: 'BAD_REQUEST', message: err.message } }
  }
  return undefined
}

/** Maps any error to its HTTP status and MLflow-style body; unknown errors say nothing more. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError)
    return { status: STATUS[err.code], body: { error_code: err.code, message: err.message } }
  if (err instanceof EdgeError)
    return { status: err.status, body: { error_code: err.code, message: err.message } }
  if (err instanceof ZodError)
    return {
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: zodMessage(err) },
    }
  const known =
    err && typeof err === 'object' && 'code' in err ? fastifyError(err as FastifyError) : undefined
  if (known) return known
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'Internal error' } }
}
