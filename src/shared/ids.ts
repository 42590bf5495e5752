import { randomBytes, randomUUID } from 'node:crypto'

/** A 32-hex-character id, the format MLflow uses for runs (clients parse it). */
export function newHexId(): string {
  return randomBytes(16).toString('hex')
}

/** A random UUID for objects whose id format no client depends on. */
export function newUuid(): string {
  return randomUUID()
}
