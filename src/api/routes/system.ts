import type { FastifyInstance } from 'fastify'
import { createRequire } from 'node:module'

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string }

/** Liveness and version, as MLflow's server answers them (plain text). */
export function systemRoutes(app: FastifyInstance): void {
  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'))
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(version))
}
