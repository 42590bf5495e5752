import Fastify, { type FastifyInstance } from 'fastify'
import type { Lathe } from '../main.js'
import { EdgeError, toErrorResponse } from './errors.js'
import { allowedHostNames, hostOf } from './host-check.js'
import { mlflowArtifactRoutes } from './routes/mlflow-artifacts.js'
import { mlflowLoggedModelRoutes } from './routes/mlflow-logged-models.js'
import { mlflowTrackingRoutes } from './routes/mlflow-tracking.js'
import { mlflowRegistryRoutes } from './routes/mlflow-registry.js'
import { registryNativeRoutes } from './routes/registry-native.js'
import { systemRoutes } from './routes/system.js'
import { dataRoutes } from './routes/data.js'
import { auditRoutes } from './routes/audit.js'
import { lineageRoutes } from './routes/lineage.js'
import { pipelineRoutes } from './routes/pipelines.js'
import { webRoutes } from './routes/web.js'
import { servingRoutes } from './routes/serving.js'
import { monitoringRoutes } from './routes/monitoring.js'
import { servingInferenceRoutes } from './routes/serving-inference.js'

export interface ServerOptions {
  /** Log requests (pino) — off in tests. */
  readonly logger?: boolean
}

/** Builds the HTTP server over a running Lathe; `listen` is the caller's choice. */
export async function buildServer(
  lathe: Lathe,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const { server } = lathe.config
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: server.bodyLimitBytes,
    // Artifact paths travel in the URL.
    routerOptions: { maxParamLength: 4096 },
  })
  // State-changing routes take JSON only: a text/plain POST is a CSRF vector (CVE-2023-43472).
  app.removeContentTypeParser('text/plain')

  const allowed = allowedHostNames(server.host, server.allowedHosts)
  app.addHook('onRequest', async (request) => {
    if (!allowed) return
    const host = hostOf(request.headers.host ?? '')
    if (!allowed.has(host)) {
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
  lineageRoutes(app, lathe)
  pipelineRoutes(app, lathe)
  dataRoutes(app, lathe)
  auditRoutes(app, lathe)
  mlflowTrackingRoutes(app, lathe)
  mlflowLoggedModelRoutes(app, lathe)
  mlflowRegistryRoutes(app, lathe)
  registryNativeRoutes(app, lathe)
  await app.register(async (scope) => mlflowArtifactRoutes(scope, lathe))
  servingRoutes(app, lathe)
  monitoringRoutes(app, lathe)
  await app.register(async (scope) => servingInferenceRoutes(scope, lathe))
  webRoutes(app)
  return app
}
