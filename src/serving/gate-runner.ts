import { InvalidParameterError, InvalidStateError } from '../shared/errors.js'
import type { ServingDeps } from './deps.js'
import type { DeploymentConfig, DeploymentTarget, GateResult } from './deployment.js'
import type { LoadedModel } from './loaded-model.js'
import type { ModelCache } from './model-cache.js'
import { recordsTable, type RawTable } from './raw-table.js'
import { runPreReleaseGates, type Predict } from './release-gates.js'

const GOLDEN_ROWS = 10_000

/** Resolves deployment targets to versions and runs the pre-release gates on a version. */
export class GateRunner {
  constructor(
    private readonly deps: ServingDeps,
    private readonly cache: ModelCache,
    private readonly predict: Predict,
  ) {}

  /** The version a target names now. @throws NotFoundError for an unknown model, alias or version */
  async resolve(model: string, target: DeploymentTarget): Promise<number> {
    if ('alias' in target) return this.deps.registry.aliasVersion(model, target.alias)
    await this.deps.registry.location(model, target.version)
    return target.version
  }

  /**
   * Loads `version` beside what serves now and runs the gates on it. A model onnxruntime cannot
   * load fails the signature gate. @throws NotFoundError for an unknown version or golden set
   */
  async run(
    model: string,
    version: number,
    current: LoadedModel | undefined,
    config: DeploymentConfig,
  ): Promise<GateResult[]> {
    const nowMs = this.deps.clock.nowMs()
    let candidate: LoadedModel
    try {
      candidate = await this.cache.load(model, version)
    } catch (err) {
      if (!(err instanceof InvalidParameterError)) throw err
      const detail = `The model cannot be loaded: ${err.message}`
      return [{ gate: 'signature', passed: false, detail, atMs: nowMs }]
    }
    const golden = await this.#golden(config.goldenSet)
    return runPreReleaseGates({ candidate, current, config, golden, nowMs, predict: this.predict })
  }

  async #golden(ref: string | undefined): Promise<RawTable | undefined> {
    if (ref === undefined) return undefined
    const datasets = this.deps.datasets
    if (!datasets) {
      throw new InvalidStateError('A golden set needs the data context, which this process lacks')
    }
    return recordsTable(await datasets.rows(ref, GOLDEN_ROWS), `golden set ${ref}`)
  }
}
