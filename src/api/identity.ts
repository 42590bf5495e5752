import type { FastifyRequest } from 'fastify'

/**
 * Who sent the request, by the name the client gives: the `X-Lathe-User` header, else the
 * user of HTTP Basic credentials (MLflow's MLFLOW_TRACKING_USERNAME). Returns undefined when
 * neither is present (the domain then falls back to the run's `user_id`/`mlflow.user`).
 */
export function requestActor(request: FastifyRequest): string | undefined {
  const header = request.headers['x-lathe-user']
  if (typeof header === 'string' && header.trim()) return header.trim().slice(0, 200)
  const auth = request.headers.authorization
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8')
    const user = decoded.split(':')[0]
    if (user) return user.slice(0, 200)
  }
  return undefined
}
