import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import type { LoadedModel } from './loaded-model.js'
import type { ModelOutputs } from './prediction-output.js'

// Plain CommonJS, evaluated in the worker, so it runs the same from sources, tests and builds.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const ort = require(workerData.ortPath)
const sessions = new Map()
parentPort.on('message', async (m) => {
  if (m.op === 'load') {
    if (!sessions.has(m.key)) {
      const loading = ort.InferenceSession.create(m.bytes, { intraOpNumThreads: 1, logSeverityLevel: 4 })
      loading.catch(() => {})
      sessions.set(m.key, loading)
      while (sessions.size > workerData.maxModels) {
        const [key, oldest] = sessions.entries().next().value
        sessions.delete(key)
        oldest.then((s) => s.release()).catch(() => {})
      }
    }
    return
  }
  try {
    const session = await sessions.get(m.key)
    const feeds = {}
    for (const f of m.feeds) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims)
    const out = await session.run(feeds, m.fetches)
    const outputs = m.fetches.filter((n) => out[n]).map((n) => ({ name: n, type: out[n].type, dims: out[n].dims, data: out[n].data }))
    parentPort.postMessage({ id: m.id, outputs })
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) })
  }
})
`

interface Wire {
  readonly name: string
  readonly type: ort.Tensor.Type
  readonly dims: readonly number[]
  readonly data: ort.Tensor.DataType
}

interface Reply {
  readonly id: number
  readonly outputs?: Wire[]
  readonly error?: string
}

/**
 * Runs shadow copies on a worker thread with its own onnxruntime sessions, so a shadow's model
 * time never holds up the event loop that answers callers. If the worker cannot start, shadows
 * run in the main thread instead (`available()` turns false).
 */
export class ShadowPool {
  #worker: Worker | undefined
  #broken = false
  #nextId = 0
  readonly #pending = new Map<number, (reply: Reply) => void>()
  readonly #loaded = new Set<string>()

  constructor(private readonly maxModels = 8) {}

  /** Whether shadows can run on the worker. */
  available(): boolean {
    return !this.#broken
  }

  /** Runs `loaded` on already-validated feeds. @throws Error with the runtime's message */
  async run(loaded: LoadedModel, feeds: Record<string, ort.Tensor>): Promise<ModelOutputs> {
    const worker = this.#start()
    const key = `${loaded.model}/${loaded.version}`
    if (!this.#loaded.has(key)) {
      worker.postMessage({ op: 'load', key, bytes: loaded.bytes })
      this.#loaded.add(key)
    }
    const id = this.#nextId++
    const wire = Object.entries(feeds).map(([name, t]) => ({
      name,
      type: t.type,
      dims: t.dims,
      data: t.data,
    }))
    const reply = await new Promise<Reply>((resolve) => {
      this.#pending.set(id, resolve)
      worker.postMessage({ op: 'run', id, key, feeds: wire, fetches: loaded.outputNames })
    })
    if (reply.error !== undefined) throw new Error(reply.error)
    const outputs = new Map<string, ort.Tensor>()
    for (const o of reply.outputs ?? []) {
      outputs.set(o.name, new ort.Tensor(o.type, o.data as Float64Array, [...o.dims]))
    }
    return outputs
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    this.#loaded.clear()
    if (worker) await worker.terminate()
  }

  #start(): Worker {
    if (this.#worker) return this.#worker
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node')
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { ortPath, maxModels: this.maxModels },
    })
    worker.unref()
    worker.on('message', (reply: Reply) => {
      this.#pending.get(reply.id)?.(reply)
      this.#pending.delete(reply.id)
    })
    const fail = (why: string) => {
      this.#broken = true
      this.#worker = undefined
      this.#loaded.clear()
      for (const resolve of this.#pending.values()) resolve({ id: -1, error: why })
      this.#pending.clear()
    }
    worker.on('error', (err) => fail(`The shadow worker failed: ${err.message}`))
    worker.on('exit', (code) => {
      if (this.#worker === worker) fail(`The shadow worker exited with ${code}`)
    })
    this.#worker = worker
    return worker
  }
}
