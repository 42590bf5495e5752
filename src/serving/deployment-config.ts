import { InvalidParameterError } from '../shared/errors.js'
import type {
  AnalysisPolicy,
  CanaryPlan,
  DeploymentConfig,
  LoggingPolicy,
  ShadowPlan,
  ValidationPolicy,
} from './deployment.js'

/** A change to a deployment's configuration: each section merged over what is there. */
export interface ConfigPatch {
  readonly canary?: Partial<CanaryPlan> | undefined
  readonly shadow?: Partial<ShadowPlan> | undefined
  readonly analysis?: Partial<AnalysisPolicy> | undefined
  readonly validation?: Partial<ValidationPolicy> | undefined
  readonly logging?: Partial<LoggingPolicy> | undefined
  /** A dataset version reference; null removes it. */
  readonly goldenSet?: string | null | undefined
  readonly allowSchemaChange?: boolean | undefined
  readonly batching?: boolean | undefined
}

function defined<T extends object>(patch: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new InvalidParameterError(message)
}

const rate = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1

/** The business rules of a configuration. @throws InvalidParameterError naming the field */
export function checkConfig(c: DeploymentConfig): void {
  checkRelease(c)
  checkAnalysis(c.analysis)
  check(
    Number.isInteger(c.validation.maxRows) && c.validation.maxRows >= 1,
    'validation.maxRows must be a positive integer',
  )
  check(rate(c.logging.sampleRate), 'logging.sampleRate must be between 0 and 1')
}

function checkRelease(c: DeploymentConfig): void {
  const steps = c.canary.steps
  check(steps.length > 0 && steps.length <= 20, 'canary.steps must list 1 to 20 weights')
  steps.forEach((w, i) => {
    check(
      Number.isFinite(w) && w > 0 && w <= 100,
      `canary.steps[${i}] must be a percentage in (0, 100], got ${w}`,
    )
    check(
      i === 0 || w > steps[i - 1]!,
      `canary.steps must increase, but step ${i} (${w}) is not above ${steps[i - 1]}`,
    )
  })
  check(c.canary.stepSeconds >= 0, 'canary.stepSeconds must be 0 or more')
  check(
    /^[a-z0-9-]{1,64}$/.test(c.canary.stickyHeader),
    'canary.stickyHeader must be a lower-case header name',
  )
  check(rate(c.shadow.sampleRate), 'shadow.sampleRate must be between 0 and 1')
  check(c.shadow.timeoutMs > 0, 'shadow.timeoutMs must be positive')
  check(
    Number.isInteger(c.shadow.maxInFlight) && c.shadow.maxInFlight > 0,
    'shadow.maxInFlight must be a positive integer',
  )
}

function checkAnalysis(a: AnalysisPolicy): void {
  check(a.intervalSeconds > 0, 'analysis.intervalSeconds must be positive')
  check(
    a.windowSeconds >= a.intervalSeconds,
    'analysis.windowSeconds must be at least analysis.intervalSeconds',
  )
  check(
    Number.isInteger(a.minSamples) && a.minSamples >= 1,
    'analysis.minSamples must be a positive integer',
  )
  check(rate(a.maxErrorRate), 'analysis.maxErrorRate must be between 0 and 1')
  check(a.maxP99Ms > 0, 'analysis.maxP99Ms must be positive')
  check(a.maxDrift === undefined || a.maxDrift >= 0, 'analysis.maxDrift must be 0 or more')
  check(
    Number.isInteger(a.failureLimit) && a.failureLimit >= 0,
    'analysis.failureLimit must be 0 or more',
  )
}

/** `patch` over `base`, checked. @throws InvalidParameterError naming the bad field */
export function mergeConfig(base: DeploymentConfig, patch: ConfigPatch = {}): DeploymentConfig {
  const goldenSet = patch.goldenSet === null ? undefined : (patch.goldenSet ?? base.goldenSet)
  const logging = { ...base.logging, ...defined(patch.logging) }
  if (patch.logging?.pii) logging.pii = { ...base.logging.pii, ...patch.logging.pii }
  const merged: DeploymentConfig = {
    canary: { ...base.canary, ...defined(patch.canary) },
    shadow: { ...base.shadow, ...defined(patch.shadow) },
    analysis: { ...base.analysis, ...defined(patch.analysis) },
    validation: { ...base.validation, ...defined(patch.validation) },
    logging,
    allowSchemaChange: patch.allowSchemaChange ?? base.allowSchemaChange,
    batching: patch.batching ?? base.batching,
    ...(goldenSet === undefined ? {} : { goldenSet }),
  }
  checkConfig(merged)
  return merged
}
