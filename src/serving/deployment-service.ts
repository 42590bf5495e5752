import type { Transaction } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { AlreadyExistsError, InvalidParameterError, InvalidStateError } from '../shared/errors.js'
import { newUuid } from '../shared/ids.js'
import type { ServingDeps } from './deps.js'
import type { Deployment, Release } from './deployment.js'
import { DEFAULT_CONFIG, deploymentSubject, isLive } from './deployment.js'
import { mergeConfig } from './deployment-config.js'
import {
  checkDeploymentName,
  checkStrategy,
  targetOf,
  type CreateDeployment,
  type StartReleaseInput,
  type UpdateDeployment,
} from './deployment-input.js'
import * as repo from './deployment-repo.js'
import { GateRunner } from './gate-runner.js'
import type { ModelCache } from './model-cache.js'
import { newDeployment } from './new-deployment.js'
import { failedGate } from './release-gates.js'
import * as transitions from './release-transitions.js'
import type { ServingTables } from './schema.js'
import type { ServingRuntime } from './serving-runtime.js'

/**
 * Deployments: create, change, release (through the gates), promote, roll back, delete. Every
 * change is one conditional write with its events; the runtime of this process is updated
 * at once, other processes through the outbox.
 */
export class DeploymentService {
  private readonly gates: GateRunner

  constructor(
    private readonly deps: ServingDeps,
    private readonly cache: ModelCache,
    private readonly runtime: ServingRuntime,
  ) {
    this.gates = new GateRunner(deps, cache, (loaded, table, policy) =>
      runtime.predict(loaded, table, policy),
    )
  }

  /** @throws NotFoundError */
  get(name: string): Promise<Deployment> {
    return repo.getDeployment(this.#db(), name)
  }

  list(model?: string): Promise<Deployment[]> {
    return repo.listDeployments(this.#db(), model)
  }

  /** A deployment's releases, newest first. @throws NotFoundError */
  async releases(name: string): Promise<Release[]> {
    await this.get(name)
    return repo.listReleases(this.#db(), name)
  }

  /**
   * Creates a deployment serving `model` from an alias or a pinned version, once that version
   * passes the pre-release gates. @throws AlreadyExistsError, NotFoundError, InvalidParameterError
   */
  async create(input: CreateDeployment): Promise<Deployment> {
    checkDeploymentName(input.name)
    const target = targetOf(input) ?? { alias: 'champion' }
    const strategy = checkStrategy(input.strategy ?? 'single')
    const config = mergeConfig(DEFAULT_CONFIG, input.config)
    if (await repo.findDeployment(this.#db(), input.name)) {
      throw new AlreadyExistsError(`Deployment '${input.name}' already exists`)
    }
    const version = await this.gates.resolve(input.model, target)
    const gates = await this.gates.run(input.model, version, undefined, config)
    const failed = failedGate(gates)
    if (failed) {
      throw new InvalidParameterError(
        `Version ${version} of '${input.model}' failed the ${failed.gate} gate: ${failed.detail}`,
      )
    }
    const nowMs = this.deps.clock.nowMs()
    const t = newDeployment({
      ...input,
      target,
      strategy,
      config,
      version,
      gates,
      nowMs,
      actor: currentActor(),
    })
    await this.deps.store.transaction<ServingTables, void>(async (trx) => {
      await repo.insertDeployment(trx, t.next)
      await this.#record(trx, nowMs, t.events)
    })
    await this.runtime.apply(t.next)
    return t.next
  }

  /**
   * Changes the strategy, configuration or target. A new target whose version differs from the
   * one served starts a release of it. @throws NotFoundError, InvalidParameterError
   */
  async update(name: string, input: UpdateDeployment): Promise<Deployment> {
    const before = await this.get(name)
    const target = targetOf(input) ?? before.target
    const strategy = input.strategy === undefined ? before.strategy : checkStrategy(input.strategy)
    const config = mergeConfig(before.config, input.config)
    const now = this.deps.clock.nowMs()
    const next: Deployment = {
      ...before,
      target,
      strategy,
      config,
      revision: before.revision + 1,
      updatedAtMs: now,
    }
    await this.#save(before, next, [
      {
        type: 'deployment.updated',
        subject: deploymentSubject(name),
        payload: {
          name,
          before: { target: before.target, strategy: before.strategy, config: before.config },
          after: { target, strategy, config },
        },
      },
    ])
    await this.runtime.apply(next)
    const version = await this.gates.resolve(before.model, target)
    if (
      version !== next.version &&
      !(isLive(next.release) && next.release.candidateVersion === version)
    ) {
      return this.release(name, { version, trigger: 'target' })
    }
    return next
  }

  /** Deletes a deployment; this process stops serving it at once. @throws NotFoundError */
  async delete(name: string): Promise<void> {
    const before = await this.get(name)
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<ServingTables, void>(async (trx) => {
      await repo.deleteDeploymentRows(trx, name)
      await this.#record(trx, now, [
        {
          type: 'deployment.deleted',
          subject: deploymentSubject(name),
          payload: { name, model: before.model, version: before.version },
        },
      ])
    })
    this.runtime.remove(name)
  }

  /**
   * Releases `version`: the pre-release gates, then the strategy's start (canary at its first
   * weight, shadow copy, or swap). A failed gate is recorded with its reason and stops it.
   * @throws InvalidStateError while another release progresses, InvalidParameterError on a failed gate
   */
  async release(name: string, input: StartReleaseInput): Promise<Deployment> {
    const before = await this.get(name)
    if (isLive(before.release)) {
      throw new InvalidStateError(
        `Deployment '${name}' is releasing version ${before.release.candidateVersion}: promote or roll it back first`,
      )
    }
    if (input.version === before.version) {
      throw new InvalidParameterError(
        `Deployment '${name}' already serves version ${input.version}`,
      )
    }
    const strategy = checkStrategy(input.strategy ?? before.strategy)
    const current = await this.cache.load(before.model, before.version).catch(() => undefined)
    const gates = await this.gates.run(before.model, input.version, current, before.config)
    const start = {
      id: newUuid(),
      strategy,
      candidate: input.version,
      gates,
      trigger: input.trigger ?? 'manual',
      nowMs: this.deps.clock.nowMs(),
      actor: currentActor(),
    }
    const failed = failedGate(gates)
    if (failed) {
      const reason = `Version ${input.version} failed the ${failed.gate} gate: ${failed.detail}`
      await this.#apply(before, transitions.failRelease(before, start, reason))
      throw new InvalidParameterError(reason)
    }
    return this.#apply(before, transitions.startRelease(before, start))
  }

  /** Makes the release's candidate the stable version. @throws InvalidStateError without one */
  async promote(name: string, detail?: string, releaseId?: string): Promise<Deployment> {
    const before = await this.get(name)
    const why = detail ?? `Promoted by ${currentActor()}`
    return this.#apply(
      before,
      transitions.promoteRelease(before, this.deps.clock.nowMs(), why, releaseId),
    )
  }

  /** Moves a canary to its next step (the controller's call). */
  async advance(name: string, releaseId: string, detail: string): Promise<Deployment> {
    const before = await this.get(name)
    return this.#apply(
      before,
      transitions.advanceRelease(before, releaseId, this.deps.clock.nowMs(), detail),
    )
  }

  /**
   * Rolls back a progressing release (the canary or shadow stops at once), or swaps back to the
   * previous version. @throws InvalidStateError when there is nothing to roll back
   */
  async rollback(
    name: string,
    reason?: string,
    options: { automatic?: boolean; releaseId?: string } = {},
  ): Promise<Deployment> {
    const before = await this.get(name)
    const why = reason ?? `Rolled back by ${currentActor()}`
    const t = transitions.rollbackRelease(before, this.deps.clock.nowMs(), why, {
      automatic: options.automatic ?? false,
      releaseId: options.releaseId,
    })
    return this.#apply(before, t)
  }

  /**
   * Loads a deployment's current state into this process's runtime, after another process changed
   * it; `created` replaces what runs under that name whatever its revision (a re-created deployment).
   */
  async reload(name: string, created = false): Promise<void> {
    const deployment = await repo.findDeployment(this.#db(), name)
    if (deployment) await this.runtime.apply(deployment, { force: created })
    else this.runtime.remove(name)
  }

  async #apply(before: Deployment, t: transitions.Transition): Promise<Deployment> {
    await this.#save(before, t.next, t.events)
    await this.runtime.apply(t.next)
    return t.next
  }

  async #save(
    before: Deployment,
    next: Deployment,
    events: transitions.ServingEvent[],
  ): Promise<void> {
    const now = this.deps.clock.nowMs()
    await this.deps.store.transaction<ServingTables, void>(async (trx) => {
      await repo.saveDeployment(trx, before.revision, next)
      await this.#record(trx, now, events)
    })
  }

  #record(
    trx: Transaction<ServingTables>,
    now: number,
    events: transitions.ServingEvent[],
  ): Promise<void> {
    const actor = currentActor()
    return appendEvents(
      trx,
      events.map((e) => ({ ...e, actor })),
      now,
    )
  }

  #db() {
    return this.deps.store.db<ServingTables>()
  }
}
