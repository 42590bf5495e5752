import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import {
  AlreadyExistsError,
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
} from '../shared/errors.js'
import type { DataFormat } from './data-format.js'
import type { ProfileOptions } from './profile/profile-table.js'
import { readDataset, type DatasetReading } from './read-dataset.js'

/**
 * `readDataset` on a worker thread, so two files can be profiled at once: a profile's CPU is
 * mostly JavaScript (histograms, sketches) on the thread that reads DuckDB's chunks, and one
 * event loop would take the two in turns. This module is also the worker's entry.
 */

interface Job {
  readonly path: string
  readonly format: DataFormat | undefined
  readonly options: ProfileOptions
}

type Outcome =
  | { readonly reading: DatasetReading }
  | { readonly error: { readonly name: string; readonly message: string } }

// Errors cross the thread boundary as name and message; these come back as their own class.
const ERRORS = [
  NotFoundError,
  AlreadyExistsError,
  InvalidParameterError,
  InvalidStateError,
  PermissionDeniedError,
  UnavailableError,
]

/**
 * Reads and profiles a file on a worker thread (see `readDataset`); in process when a worker
 * cannot be started.
 */
export async function readDatasetInWorker(
  path: string,
  format?: DataFormat,
  options: ProfileOptions = {},
): Promise<DatasetReading> {
  const job: Job = { path, format, options }
  const outcome = await runWorker(job)
  if (outcome === undefined) return readDataset(path, format, options)
  if ('reading' in outcome) return outcome.reading
  const Known = ERRORS.find((E) => E.name === outcome.error.name)
  throw Known ? new Known(outcome.error.message) : new Error(outcome.error.message)
}

/** The worker's outcome, or undefined when it could not run. */
function runWorker(job: Job): Promise<Outcome | undefined> {
  const self = import.meta.url
  // Built, this file is plain JS; from sources (tests, tsx) the worker first loads tsx's hooks.
  const [entry, eval_] = self.endsWith('.ts')
    ? [
        `import('tsx/esm/api').then((tsx) => (tsx.register(), import(${JSON.stringify(self)})))`,
        true,
      ]
    : [new URL(self), false]
  return new Promise((resolve) => {
    let worker: Worker
    try {
      worker = new Worker(entry, { eval: eval_, workerData: { readDataset: job } })
    } catch {
      resolve(undefined)
      return
    }
    let settled = false
    const settle = (outcome: Outcome | undefined) => {
      if (settled) return
      settled = true
      resolve(outcome)
    }
    worker.once('message', (outcome: Outcome) => settle(outcome))
    worker.once('error', () => settle(undefined))
    worker.once('exit', () => settle(undefined))
  })
}

// The worker's side: a thread started by `runWorker` (its workerData says so) reads its job.
const job = isMainThread ? undefined : (workerData as { readDataset?: Job } | null)?.readDataset
if (job !== undefined && parentPort) {
  const port = parentPort
  readDataset(job.path, job.format, job.options).then(
    (reading) => port.postMessage({ reading } satisfies Outcome),
    (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err))
      port.postMessage({ error: { name: error.name, message: error.message } } satisfies Outcome)
    },
  )
}
