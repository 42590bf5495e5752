import { afterEach, describe, expect, it } from 'vitest'
import { loadModel, ModelError, type LoadedModel } from '../src/serving/loaded-model.js'
import { ModelWorker } from '../src/serving/model-worker.js'
import { GraphBuilder, doubleTensor } from '../src/models/onnx-graph.js'
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

/** y = table[i]: a request whose index is past the end fails, the others do not. */
function lookupFiles(): ModelFiles {
  const g = new GraphBuilder()
  const i = g.input({ name: 'i', type: 'int64', shape: ['N', 1] })
  g.node(
    'Gather',
    [g.constant(doubleTensor('table', [3], [10, 20, 30])), i],
    { axis: 0 },
    {
      outputs: ['y'],
    },
  )
  g.output({ name: 'y', type: 'double', shape: ['N', 1] })
  return { onnx: g.toBytes('lookup') }
}

/** total = the sum of x over every row: an output that is not one row per input row. */
function totalFiles(): ModelFiles {
  const g = new GraphBuilder()
  const x = g.input({ name: 'x', type: 'double', shape: ['N', 1] })
  g.node('ReduceSum', [x], { keepdims: 0 }, { outputs: ['total'] })
  g.output({ name: 'total', type: 'double', shape: [] })
  return { onnx: g.toBytes('total') }
}

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

  it('stacks calls that queue for one version into one run, each answered with its own rows', async () => {
    const loaded = await load(classifierFiles({ gbdt: true }))
    const tables = Array.from({ length: 40 }, (_, i) =>
      recordsTable(tabularRecords(1 + (i % 3), i), 'rows'),
    )
    const alone = await Promise.all(tables.map((t) => loaded.predict(t, POLICY)))
    const w = worker()
    const answers = await Promise.all(tables.map((t) => w.predict(loaded, t, POLICY)))
    answers.forEach((answer, i) => expect(plain(answer)).toEqual(plain(alone[i]!)))
    expect(w.counts.calls).toBe(40)
    expect(w.counts.runs).toBeLessThan(40)
  })

  it('runs every call by itself when stacking is off (rows that are not independent)', async () => {
    const loaded = await load(classifierFiles())
    const w = worker()
    const tables = Array.from({ length: 12 }, (_, i) => recordsTable(tabularRecords(2, i), 'rows'))
    await Promise.all(tables.map((t) => w.predict(loaded, t, POLICY, { stack: false })))
    expect(w.counts).toEqual({ calls: 12, runs: 12 })
  })

  it('fails only the call whose rows the model fails on when calls were stacked', async () => {
    const loaded = await load(lookupFiles())
    const w = worker()
    const answers = await Promise.allSettled(
      [0, 7, 2, 1].map((i) => w.predict(loaded, recordsTable([{ i }], 'rows'), POLICY)),
    )
    expect(answers.map((a) => a.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    const values = answers.map((a) => (a.status === 'fulfilled' ? plain(a.value).y : undefined))
    expect(values).toEqual([[10], undefined, [30], [20]])
    expect((answers[1] as PromiseRejectedResult).reason).toBeInstanceOf(ModelError)
  })

  it('runs calls one by one when the model’s outputs are not one row per input row', async () => {
    const loaded = await load(totalFiles())
    const w = worker()
    const tables = [[1, 2], [10], [100, 200, 300]].map((xs) =>
      recordsTable(
        xs.map((x) => ({ x })),
        'rows',
      ),
    )
    const answers = await Promise.all(tables.map((t) => w.predict(loaded, t, POLICY)))
    expect(answers.map((a) => plain(a).total)).toEqual([[3], [10], [600]])
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
    await loaded.release() // as a serving process holds it: its session only in the worker
    const w = worker(dies)
    const answers = await Promise.all([1, 2, 3].map(() => w.predict(loaded, table, POLICY)))
    for (const answer of answers) expect(plain(answer)).toEqual(expected)
    expect(w.available()).toBe(false)
    expect(loaded.holdsSession()).toBe(true)
    expect(plain(await w.predict(loaded, table, POLICY))).toEqual(expected)
    expect(loaded.inFlight).toBe(0)
  })
})
