/** Domain types of the serving context: deployments, their release plans and release state. */

/** How a deployment rolls out a new version. */
export type Strategy = 'single' | 'canary' | 'shadow' | 'blue-green'

/** Every strategy, for messages and parsers. */
export const STRATEGIES: readonly Strategy[] = ['single', 'canary', 'shadow', 'blue-green']

/** What a deployment serves: the version an alias points at (followed as it moves), or a pinned one. */
export type DeploymentTarget = { readonly alias: string } | { readonly version: number }

/** What to do with a request field in the inference log, before anything is written. */
export type PiiAction = 'drop' | 'hash' | 'keep'

/** How requests are checked against the signature. */
export interface ValidationPolicy {
  /** Columns the model does not take: dropped (MLflow's rule) or refused with a 400. */
  readonly extraColumns: 'ignore' | 'reject'
  /** null or NaN in float/double columns: a missing value (allowed) or refused. Integers never allow it. */
  readonly missingValues: 'allow' | 'reject'
  /** Rows per request at most. */
  readonly maxRows: number
}

/** The inference log: which requests, which fields, where. */
export interface LoggingPolicy {
  /** Share of requests logged, 0..1. */
  readonly sampleRate: number
  /** Per input or output field; fields not named are kept. */
  readonly pii: Readonly<Record<string, PiiAction>>
  /** The metadata DB (`inference_log` table) or Parquet files in the artifact store. */
  readonly sink: 'db' | 'parquet'
}

/** What the controller watches on a candidate, over a sliding window. */
export interface AnalysisPolicy {
  /** Seconds between evaluations. */
  readonly intervalSeconds: number
  /** Seconds of traffic each evaluation looks at. */
  readonly windowSeconds: number
  /** Fewer candidate requests in the window is inconclusive, never a pass. */
  readonly minSamples: number
  /** Highest share of candidate requests that may fail (model errors, not bad input), 0..1. */
  readonly maxErrorRate: number
  /** Highest candidate p99 latency, milliseconds. */
  readonly maxP99Ms: number
  /** Highest prediction drift against the stable version (total variation for classes, shift in
   * standard deviations for values); unset = not watched. */
  readonly maxDrift?: number | undefined
  /** Failed evaluations tolerated before rolling back (0: the first one rolls back). */
  readonly failureLimit: number
}

/** The canary ramp. */
export interface CanaryPlan {
  /** Candidate shares in percent, increasing; the release is promoted after the last one. */
  readonly steps: readonly number[]
  /** Seconds each step must hold, with passing analysis, before the next. */
  readonly stepSeconds: number
  /** Request header whose value pins a caller to one version. */
  readonly stickyHeader: string
  /** Or a request field (of the first row) that does. */
  readonly stickyField?: string | undefined
}

/** The shadow copy. */
export interface ShadowPlan {
  /** Share of requests copied to the candidate, 0..1. */
  readonly sampleRate: number
  /** A shadow call taking longer is abandoned (and counted). */
  readonly timeoutMs: number
  /** Shadow calls in flight at most; more are dropped, never queued. */
  readonly maxInFlight: number
}

/** Everything about a deployment that people configure. */
export interface DeploymentConfig {
  readonly canary: CanaryPlan
  readonly shadow: ShadowPlan
  readonly analysis: AnalysisPolicy
  readonly validation: ValidationPolicy
  readonly logging: LoggingPolicy
  /** A stored dataset version (`name@golden`) every release is smoke-tested on. */
  readonly goldenSet?: string | undefined
  /** Let a release take inputs the serving version does not (callers must change first). */
  readonly allowSchemaChange: boolean
  /**
   * Stack requests that queue for one version into one model run (dynamic batching). Off for a
   * model whose rows are not scored independently of each other.
   */
  readonly batching: boolean
}

/** A release gate, in the order they run. */
export type GateName = 'schema' | 'signature' | 'smoke' | 'start' | 'watch' | 'decision'

/** One gate's verdict, recorded on the release. */
export interface GateResult {
  readonly gate: GateName
  readonly passed: boolean
  readonly detail: string
  readonly atMs: number
}

export type ReleaseStatus = 'progressing' | 'promoted' | 'rolled_back' | 'failed'

/** One attempt to move a deployment from its stable version to a candidate. */
export interface Release {
  readonly id: string
  readonly strategy: Strategy
  readonly stableVersion: number | undefined
  readonly candidateVersion: number
  readonly status: ReleaseStatus
  /** Canary: the candidate's share in percent; shadow: 0; blue-green: 100 once swapped. */
  readonly weight: number
  /** Index into the canary steps. */
  readonly stepIndex: number
  readonly stepStartedAtMs: number
  readonly gates: readonly GateResult[]
  readonly reason: string | undefined
  /** What started it: `manual`, or `alias:<name>` when the followed alias moved. */
  readonly trigger: string
  readonly createdAtMs: number
  readonly updatedAtMs: number
  readonly createdBy: string
}

/** A named deployment of one registered model. */
export interface Deployment {
  readonly name: string
  readonly model: string
  readonly target: DeploymentTarget
  readonly strategy: Strategy
  /** The stable version: what answers every request outside a release. */
  readonly version: number
  /** The version before the last swap, kept loaded so rollback is instant. */
  readonly previousVersion: number | undefined
  /** The latest release, progressing or finished. */
  readonly release: Release | undefined
  readonly config: DeploymentConfig
  /** Bumped by every change; writes are conditional on it. */
  readonly revision: number
  readonly createdAtMs: number
  readonly updatedAtMs: number
  readonly createdBy: string
}

/** Defaults: MLflow's validation rules, a 5 → 25 → 50 → 100 ramp, Flagger-like SLOs. */
export const DEFAULT_CONFIG: DeploymentConfig = {
  canary: { steps: [5, 25, 50, 100], stepSeconds: 60, stickyHeader: 'x-lathe-route-key' },
  shadow: { sampleRate: 1, timeoutMs: 1000, maxInFlight: 64 },
  analysis: {
    intervalSeconds: 10,
    windowSeconds: 60,
    minSamples: 20,
    maxErrorRate: 0.01,
    maxP99Ms: 500,
    failureLimit: 0,
  },
  validation: { extraColumns: 'ignore', missingValues: 'allow', maxRows: 10_000 },
  logging: { sampleRate: 1, pii: {}, sink: 'db' },
  allowSchemaChange: false,
  batching: true,
}

/** Whether a release still routes traffic to (or mirrors it onto) its candidate. */
export function isLive(release: Release | undefined): release is Release {
  return release !== undefined && release.status === 'progressing'
}

/** The version a deployment is asked to serve from its target, for messages. */
export function describeTarget(target: DeploymentTarget): string {
  return 'alias' in target ? `@${target.alias}` : `version ${target.version}`
}

/** The subject of a deployment's events. */
export function deploymentSubject(name: string): string {
  return `deployment:${name}`
}
