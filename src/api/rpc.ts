import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { currentActor, runAs } from '../shared/actor.js'
import { requestActor } from './identity.js'

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** MLflow serves each REST route under both prefixes (the UI uses ajax-api). */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const

/**
 * Registers one JSON RPC-style route: the input (query string for GET, JSON body otherwise) is
 * parsed once by `schema`, and the handler runs as the requesting user.
 */
export function rpc<S extends z.ZodType>(
  app: FastifyInstance,
  method: Method | readonly Method[],
  paths: string | readonly string[],
  schema: S,
  handler: (input: z.output<S>, request: FastifyRequest) => Promise<object>,
): void {
  for (const url of typeof paths === 'string' ? [paths] : paths) {
    app.route({
      method: method as Method[],
      url,
      handler: async (request) => {
        const raw = request.method === 'GET' ? request.query : (request.body ?? {})
        const input = schema.parse(raw) as z.output<S>
        return runAs(requestActor(request) ?? currentActor(), () => handler(input, request))
      },
    })
  }
}

/** The same path under every MLflow prefix. */
export function mlflowPaths(path: string): string[] {
  return MLFLOW_PREFIXES.map((prefix) => `${prefix}/${path}`)
}
