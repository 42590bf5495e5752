import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/api/server.js'
import { openLathe, type Lathe } from '../../src/main.js'
import type { TestBackend } from './backends.js'

/** A Lathe on a fresh database of `backend`, with its HTTP app (in-process, no port). */
export interface TestLathe {
  readonly lathe: Lathe
  readonly app: FastifyInstance
  close(): Promise<void>
}

export async function startTestLathe(backend: TestBackend): Promise<TestLathe> {
  const { config, cleanup } = await backend.fresh()
  const lathe = await openLathe(config)
  const app = await buildServer(lathe)
  return {
    lathe,
    app,
    async close() {
      await app.close()
      await lathe.close()
      await cleanup()
    },
  }
}
