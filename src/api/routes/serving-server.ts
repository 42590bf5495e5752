import Fastify, { type FastifyInstance } from 'fastify'
import type { Lathe } from '../../main.js'
import { EdgeError, toErrorResponse } from '../errors.js'
import { allowedHostNames, hostOf } from '../host-check.js'
import { servingInferenceRoutes } from './serving-inference.js'
import { systemRoutes } from './system.js'

/**
 * The HTTP server of `lathe serve`: the inference endpoints, `/metrics` and health only — no
 * tracking API, no deployment changes, no UI — so any number of them can run behind a load
 * balancer, each following deployment changes through the outbox.
 */
export async function buildServingServer(
  lathe: Lathe,
  options: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  const { server } = lathe.config
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: server.bodyLimitBytes })
  app.removeContentTypeParser('text/plain')
  const allowed = allowedHostNames(server.host, server.allowedHosts)
  app.addHook('onRequest', async (request) => {
    const host = hostOf(request.headers.host ?? '')
    if (allowed && !allowed.has(host)) {
      throw new EdgeError(
        400,
        'BAD_REQUEST',
        `Host '${host}' is not allowed; add it to LATHE_ALLOWED_HOSTS`,
      )
    }
  })
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = toErrorResponse(err)
    if (status >= 500) request.log.error({ err }, 'request failed')
    return reply.status(status).send(body)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No endpoint ${request.method} ${request.url.split('?')[0]}`,
    }),
  )
  systemRoutes(app)
  await app.register(async (scope) => servingInferenceRoutes(scope, lathe))
  return app
}
