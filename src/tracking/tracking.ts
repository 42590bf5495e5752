import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { createHash } from 'node:crypto'
import { platform, release } from 'node:os'
import type { TrackingDeps } from './deps.js'
import { ExperimentService } from './experiment-service.js'
import { LoggedModelService } from './logged-model-service.js'
import type { KeyValue, Run } from './model.js'
import { RunArtifactService } from './run-artifacts.js'
import { RunInputService } from './run-inputs.js'
import { searchRuns, type SearchRuns } from './run-search.js'
import { RunService } from './run-service.js'
import type { TrackingTables } from './schema.js'

/** The tracking context's services, built once by the composition root. */
export class Tracking {
  readonly experiments: ExperimentService
  readonly runs: RunService
  readonly inputs: RunInputService
  readonly artifacts: RunArtifactService
  readonly loggedModels: LoggedModelService

  constructor(private readonly deps: TrackingDeps) {
    this.experiments = new ExperimentService(deps)
    this.runs = new RunService(deps)
    this.inputs = new RunInputService(deps)
    this.artifacts = new RunArtifactService(deps, this.runs)
    this.loggedModels = new LoggedModelService(deps, this.runs)
  }

  searchRuns(input: SearchRuns) {
    return searchRuns(this.deps.store.db<TrackingTables>(), input)
  }

  /**
   * Starts a run from code running inside Lathe (trainers, pipelines), tagged with the
   * environment it ran in under `lathe.*`.
   */
  async startRun(
    input: { experimentName?: string; runName?: string; tags?: KeyValue[] } = {},
  ): Promise<Run> {
    const experimentId = input.experimentName ? await this.#experimentId(input.experimentName) : '0'
    const tags = [
      ...(await environmentTags()),
      { key: 'mlflow.source.type', value: 'LOCAL' },
      ...(input.tags ?? []),
    ]
    return this.runs.create({ experimentId, runName: input.runName, tags })
  }

  /** Logs metrics at one step from in-process code. */
  logMetrics(runId: string, metrics: Record<string, number>, step = 0): Promise<void> {
    const timestamp = this.deps.clock.nowMs()
    return this.runs.logBatch(runId, {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step })),
    })
  }

  /** Logs params from in-process code. */
  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    return this.runs.logBatch(runId, {
      params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
    })
  }

  /** Uploads a local file as an artifact of the run, at `artifactPath` (default: its file name). */
  async logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void> {
    const name = basename(localPath)
    const path = artifactPath ? `${artifactPath.replace(/\/+$/, '')}/${name}` : name
    await this.artifacts.put(runId, path, createReadStream(localPath))
  }

  /** Ends a run with a terminal status. */
  async endRun(
    runId: string,
    status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED',
  ): Promise<void> {
    await this.runs.update(runId, { status, endTime: this.deps.clock.nowMs() })
  }

  async #experimentId(name: string): Promise<string> {
    try {
      return (await this.experiments.getByName(name)).experimentId
    } catch {
      return this.experiments.create({ name })
    }
  }
}

let cachedEnvironment: KeyValue[] | undefined

/** Node version, OS and package-lock hash of this process, as `lathe.*` tags. */
async function environmentTags(): Promise<KeyValue[]> {
  if (cachedEnvironment) return cachedEnvironment
  const lock = await readFile('package-lock.json').catch(() => undefined)
  cachedEnvironment = [
    { key: 'lathe.node_version', value: process.version },
    { key: 'lathe.os', value: `${platform()} ${release()}` },
    ...(lock
      ? [
          {
            key: 'lathe.package_lock_sha256',
            value: createHash('sha256').update(lock).digest('hex'),
          },
        ]
      : []),
  ]
  return cachedEnvironment
}
