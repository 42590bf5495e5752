import type { Data } from '../../data/index.js'
import type { NodeRef } from '../../lineage/index.js'
import type { Registry } from '../../registry/index.js'
import type { Tracking } from '../../tracking/index.js'
import type { ArtifactRef } from './artifact-ref.js'
import type { Params } from './pipeline-spec.js'

/** The platform services a step may call (built-in steps use them; so may user steps). */
export interface StepServices {
  readonly data: Data
  readonly registry: Registry
  readonly tracking: Tracking
}

/** What a step's code receives besides its inputs. */
export interface StepContext<P extends Params = Params> {
  readonly pipeline: string
  /** The pipeline run. */
  readonly runId: string
  readonly step: string
  /** 1 on the first try. */
  readonly attempt: number
  /** The parameters the step declared, nothing else (so its cache key covers what it reads). */
  readonly params: P
  /** A seed derived from the run's seed and the step name: reruns get the same one. */
  readonly seed: number
  /** The tracking run that records this step (a child of the pipeline run's). */
  readonly trackingRunId: string
  /** Aborted on timeout, cancellation or a lost lease: long steps should watch it. */
  readonly signal: AbortSignal
  /** A scratch folder for this try, removed afterwards. */
  readonly workDir: string
  readonly services: StepServices
  /** Appends a line to the step's log (its tail is shown when the step fails). */
  log(...parts: unknown[]): void
  /** Logs metrics to the step's tracking run. */
  logMetrics(metrics: Readonly<Record<string, number>>, step?: number): Promise<void>
  /** Stores bytes (or a local file) by content; return the ref as (part of) an output. */
  writeArtifact(name: string, body: string | Uint8Array | { path: string }): Promise<ArtifactRef>
  /** Reads an artifact an upstream step wrote. */
  readArtifact(ref: ArtifactRef): Promise<Buffer>
  /** Copies an artifact into the work folder and returns its path. */
  artifactPath(ref: ArtifactRef): Promise<string>
  /** Declares a lineage input (a dataset version the step read, say). */
  recordInput(node: NodeRef & { digest?: string }): void
  /** Declares a lineage output (a model version the step registered, say). */
  recordOutput(node: NodeRef): void
}
