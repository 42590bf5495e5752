import { afterEach, describe, expect, it } from 'vitest'
import { loadModel, ModelError, type LoadedModel } from '../src/serving/loaded-model.js'
import { ModelWorker } from '../src/serving/model-worker.js'
import { DEFAULT_CONFIG } from '../src/serving/deployment.js'
import { recordsTable } from '../src/serving/raw-table.js'
import type { ModelOutputs } from '../src/serving/prediction-output.js'
import {
  classifierFiles,
  failingFiles,
  tabularRecords,
  type ModelFiles,
} from './support/serving.js'

/*
 * The worker thread that runs models for serving: same answers as the event loop would give,
 * the event loop free while a model runs, model failures as ModelError, versions freed when the
 * cache unloads them, and nothing lost when the worker dies.
 */

const POLICY = DEFAULT_CONFIG.validation

function load(files: ModelFiles, version = 1): Promise<LoadedModel> {
  return loadModel('m', version, {
    onnx: files.onnx,
    signature: files.signature,
    inputExample: files.inputExample,
    manifest: undefined,
  })
}

function plain(outputs: ModelOutputs): Record<string, unknown[]> {
  return Object.fromEntries([...outputs].map(([name, t]) => [name, Array.from(t.data as never)]))
}

const workers: ModelWorker[] = []
function worker(script?: string): ModelWorker {
  const w = new ModelWorker(script)
  workers.push(w)
  return w
}

afterEach(async () => {
  for (const w of workers.splice(0)) await w.close()
})

describe('ModelWorker', () => {
  it('answers exactly as the model run on the event loop', async () => {
    const loaded = await load(classifierFiles({ gbdt: true }))
    const table = recordsTable(tabularRecords(500), 'rows')
    const here = await loaded.predict(table, POLICY)
    const there = await worker().predict(loaded, table, POLICY)
    expect(plain(there)).toEqual(plain(here))
    expect([...there.values()].map((t) => t.dims)).toEqual([...here.values()].map((t) => t.dims))
    expect(loaded.inFlight).toBe(0)
  })

  it('leaves the event loop free while the model runs', async () => {
    const loaded = await load(classifierFiles({ gbdt: true }))
    const table = recordsTable(tabularRecords(POLICY.maxRows), 'rows')
    const w = worker()
    await w.predict(loaded, recordsTable(tabularRecords(1), 'rows'), POLICY) // loads the session
    // Turns of the event loop that completed while the batch was being scored.
    const turnsDuring = async (predict: () => Promise<unknown>): Promise<number> => {
      let turns = 0
      let running = true
      const spin = () => {
        if (!running) return
        turns++
        setImmediate(spin)
      }
      setImmediate(spin)
      await predict()
      running = false
      return turns
    }
    // On the event loop the batch runs in one turn, so nothing else gets in until it ends.
    expect(await turnsDuring(() => loaded.predict(table, POLICY))).toBeLessThanOrEqual(1)
    expect(await turnsDuring(() => w.predict(loaded, table, POLICY))).toBeGreaterThan(10)
  })

  it('reports a model failing on valid input as a ModelError naming the version', async () => {
    const loaded = await load(failingFiles(), 4)
    const table = recordsTable(tabularRecords(2), 'rows')
    const error = await worker()
      .predict(loaded, table, POLICY)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as ModelError).version).toBe(4)
    expect((error as Error).message).toMatch(/^Model version 4 failed: /)
  })

  it('frees a version the cache unloads, and loads it again when it is used again', async () => {
    const loaded = await load(classifierFiles())
    const table = recordsTable(tabularRecords(3), 'rows')
    const w = worker()
    const first = plain(await w.predict(loaded, table, POLICY))
    expect(w.loadedVersions()).toEqual(['m/1'])
    w.unload('m', 1)
    expect(w.loadedVersions()).toEqual([])
    expect(plain(await w.predict(loaded, table, POLICY))).toEqual(first)
    expect(w.loadedVersions()).toEqual(['m/1'])
  })

  it('answers every call on the event loop when its worker dies, those in flight included', async () => {
    const dies = `require('node:worker_threads').parentPort.on('message', (m) => { if (m.op === 'run') process.exit(3) })`
    const loaded = await load(classifierFiles())
    const table = recordsTable(tabularRecords(4), 'rows')
    const expected = plain(await loaded.predict(table, POLICY))
    const w = worker(dies)
    const answers = await Promise.all([1, 2, 3].map(() => w.predict(loaded, table, POLICY)))
    for (const answer of answers) expect(plain(answer)).toEqual(expected)
    expect(w.available()).toBe(false)
    expect(plain(await w.predict(loaded, table, POLICY))).toEqual(expected)
    expect(loaded.inFlight).toBe(0)
  })
})
