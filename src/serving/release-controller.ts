import { runAs } from '../shared/actor.js'
import type { Clock } from '../shared/clock.js'
import { DomainError } from '../shared/errors.js'
import type { AnalysisPolicy, Deployment, Release } from './deployment.js'
import { isLive } from './deployment.js'
import type { DeploymentService } from './deployment-service.js'
import type { LiveDeployment } from './live-deployment.js'
import { predictionDrift, type ProfileTotals } from './prediction-profile.js'
import type { ServingRuntime } from './serving-runtime.js'
import { windowStats, type SeriesTotals } from './version-series.js'

/** The actor of the controller's promotions and rollbacks, in events and the audit log. */
export const CONTROLLER_ACTOR = 'lathe-release-controller'

interface Snapshot {
  readonly atMs: number
  readonly watched: SeriesTotals
  readonly watchedProfile: ProfileTotals | undefined
  readonly stableProfile: ProfileTotals | undefined
}

interface Tracked {
  readonly releaseId: string
  readonly live: LiveDeployment
  readonly stepIndex: number
  snapshots: Snapshot[]
  failures: number
  lastEvaluatedMs: number
}

/** What one evaluation found and did. */
export interface AnalysisResult {
  readonly deployment: string
  readonly releaseId: string
  readonly verdict: 'pass' | 'fail' | 'inconclusive'
  readonly requests: number
  readonly errorRate: number
  readonly p99Ms: number
  readonly drift: number | undefined
  readonly detail: string
  readonly action: 'none' | 'advanced' | 'promoted' | 'rolled_back'
}

function snapshot(live: LiveDeployment, atMs: number): Snapshot {
  return {
    atMs,
    watched: live.watched!.series.totals(),
    watchedProfile: live.watched!.profile?.totals(),
    stableProfile: live.stable.profile?.totals(),
  }
}

/** The verdict on one window, Argo Rollouts' way: too few samples is inconclusive, never a pass. */
function judge(policy: AnalysisPolicy, from: Snapshot, to: Snapshot) {
  const stats = windowStats(from.watched, to.watched)
  const errorRate = stats.requests === 0 ? 0 : stats.errors / stats.requests
  const drift =
    policy.maxDrift !== undefined && to.watchedProfile && to.stableProfile
      ? predictionDrift(
          { from: from.watchedProfile, to: to.watchedProfile },
          { from: from.stableProfile, to: to.stableProfile },
        )
      : undefined
  const measured = `error rate ${(errorRate * 100).toFixed(1)}% over ${stats.requests} requests, p99 ≤ ${stats.latencyMs} ms${drift === undefined ? '' : `, drift ${drift.toFixed(3)}`}`
  const problems = [
    errorRate > policy.maxErrorRate &&
      `error rate ${(errorRate * 100).toFixed(1)}% > ${(policy.maxErrorRate * 100).toFixed(1)}%`,
    stats.latencyMs > policy.maxP99Ms &&
      `p99 latency ${stats.latencyMs} ms > ${policy.maxP99Ms} ms`,
    drift !== undefined &&
      drift > policy.maxDrift! &&
      `prediction drift ${drift.toFixed(3)} > ${policy.maxDrift}`,
  ].filter((p): p is string => typeof p === 'string')
  const verdict: AnalysisResult['verdict'] =
    stats.requests < policy.minSamples ? 'inconclusive' : problems.length > 0 ? 'fail' : 'pass'
  const detail =
    verdict === 'fail' ? `SLO breached: ${problems.join('; ')} (${measured})` : measured
  return { verdict, requests: stats.requests, errorRate, p99Ms: stats.latencyMs, drift, detail }
}

/**
 * Watches progressing releases from the in-memory metrics, every `analysis.intervalSeconds` over
 * the last `analysis.windowSeconds`: advances a canary step by step while its error rate, latency
 * and prediction drift stay within the SLOs, promotes after the last step (or a blue-green swap
 * after its watch), and rolls back by itself after more than `failureLimit` failed windows.
 */
export class ReleaseController {
  readonly #tracked = new Map<string, Tracked>()
  #timer: NodeJS.Timeout | undefined

  constructor(
    private readonly runtime: ServingRuntime,
    private readonly deployments: DeploymentService,
    private readonly clock: Clock,
  ) {}

  /** Evaluates on a timer (`tick` is due-aware, so a short period is fine). */
  start(periodMs = 1000): void {
    if (this.#timer) return
    this.#timer = setInterval(() => void this.tick().catch(() => {}), periodMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Evaluates every release whose interval has come; returns what it found and did. */
  async tick(): Promise<AnalysisResult[]> {
    const now = this.clock.nowMs()
    const results: AnalysisResult[] = []
    const active = new Set<string>()
    for (const live of this.runtime.list()) {
      const release = live.spec.release
      if (!isLive(release) || !live.watched) continue
      active.add(live.spec.name)
      const result = await this.#evaluate(live, release, now)
      if (result) results.push(result)
    }
    for (const name of this.#tracked.keys()) if (!active.has(name)) this.#tracked.delete(name)
    return results
  }

  async #evaluate(
    live: LiveDeployment,
    release: Release,
    now: number,
  ): Promise<AnalysisResult | undefined> {
    const policy = live.spec.config.analysis
    let tracked = this.#tracked.get(live.spec.name)
    if (
      !tracked ||
      tracked.releaseId !== release.id ||
      tracked.stepIndex !== release.stepIndex ||
      tracked.live !== live
    ) {
      // A new release, step or view starts a new window from here.
      const failures = tracked?.releaseId === release.id ? tracked.failures : 0
      tracked = {
        releaseId: release.id,
        live,
        stepIndex: release.stepIndex,
        snapshots: [snapshot(live, now)],
        failures,
        lastEvaluatedMs: now,
      }
      this.#tracked.set(live.spec.name, tracked)
      return undefined
    }
    if (now - tracked.lastEvaluatedMs < policy.intervalSeconds * 1000) return undefined
    tracked.lastEvaluatedMs = now
    const latest = snapshot(live, now)
    tracked.snapshots.push(latest)
    const windowStart = now - policy.windowSeconds * 1000
    while (tracked.snapshots.length > 2 && tracked.snapshots[1]!.atMs <= windowStart)
      tracked.snapshots.shift()
    const verdict = judge(policy, tracked.snapshots[0]!, latest)
    if (verdict.verdict === 'fail') tracked.failures++
    const action = await this.#act(live.spec, release, verdict, tracked, now)
    return { deployment: live.spec.name, releaseId: release.id, ...verdict, action }
  }

  async #act(
    spec: Deployment,
    release: Release,
    verdict: ReturnType<typeof judge>,
    tracked: Tracked,
    now: number,
  ): Promise<AnalysisResult['action']> {
    const policy = spec.config.analysis
    const act = (fn: () => Promise<unknown>) =>
      runAs(CONTROLLER_ACTOR, fn).catch((err: unknown) => {
        // Another process (or a person) changed the release first: nothing left to do here.
        if (!(err instanceof DomainError)) throw err
      })
    if (verdict.verdict === 'fail' && tracked.failures > policy.failureLimit) {
      await act(() =>
        this.deployments.rollback(spec.name, `Automatic rollback: ${verdict.detail}`, {
          automatic: true,
          releaseId: release.id,
        }),
      )
      return 'rolled_back'
    }
    if (verdict.verdict !== 'pass' || release.strategy === 'shadow') return 'none'
    if (now - release.stepStartedAtMs < spec.config.canary.stepSeconds * 1000) return 'none'
    const lastStep =
      release.strategy !== 'canary' || release.stepIndex + 1 >= spec.config.canary.steps.length
    if (lastStep) {
      await act(() =>
        this.deployments.promote(spec.name, `Analysis passed: ${verdict.detail}`, release.id),
      )
      return 'promoted'
    }
    await act(() =>
      this.deployments.advance(spec.name, release.id, `Analysis passed: ${verdict.detail}`),
    )
    return 'advanced'
  }
}
