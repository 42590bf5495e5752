import type { PipelineSpec } from '../definition/pipeline-spec.js'
import { loadPipeline } from '../definition/load-pipeline.js'
import { readRun } from './run-reader.js'
import { pipelineDb, type ExecutorDeps, type RunContext } from './run-context.js'

const MAX_CACHED_RUNS = 200

/**
 * Loads runs for workers, each with its pipeline's code from the file recorded with the run.
 * Runs never change once started, so each is read once (bounded cache).
 */
export class RunLoader {
  readonly #runs = new Map<string, Promise<RunContext>>()

  constructor(private readonly deps: Pick<ExecutorDeps, 'store' | 'services'>) {}

  /** @throws NotFoundError for an unknown run */
  load(runId: string): Promise<RunContext> {
    let run = this.#runs.get(runId)
    if (!run) {
      run = this.#read(runId)
      run.catch(() => this.#runs.delete(runId))
      this.#runs.set(runId, run)
      if (this.#runs.size > MAX_CACHED_RUNS) this.#runs.delete(this.#runs.keys().next().value!)
    }
    return run
  }

  /** Makes a run started in this process known without a read. */
  remember(run: RunContext): void {
    this.#runs.set(run.runId, Promise.resolve(run))
  }

  async #read(runId: string): Promise<RunContext> {
    const row = await readRun(pipelineDb(this.deps), runId)
    let spec: PipelineSpec | undefined
    try {
      spec = await loadPipeline(row.source)
    } catch {
      // Its steps fail saying the file no longer loads, rather than the worker looping on them.
      spec = undefined
    }
    const parent = await this.deps.services.tracking.runs.get(row.trackingRunId)
    return {
      runId,
      experimentId: parent.info.experimentId,
      pipeline: row.pipeline,
      source: row.source,
      params: row.params,
      seed: row.repro.seed,
      isNoCache: row.isNoCache,
      trackingRunId: row.trackingRunId,
      plan: row.plan,
      spec,
    }
  }
}
