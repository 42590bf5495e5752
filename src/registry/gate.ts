import { InvalidParameterError } from '../shared/errors.js'

/** How a metric gate compares the observed value with its threshold. */
export type Comparison = '>=' | '>' | '<=' | '<'

/** Group-fairness measures: the largest gap between groups of the sensitive column. */
export type FairnessMetric = 'demographic_parity_difference' | 'equal_opportunity_difference'

interface Named {
  /** Unique within the model's gates; derived from the definition when not given. */
  readonly name?: string | undefined
}

/** A metric the version's source run logged must compare with a threshold. */
export interface MetricGate extends Named {
  readonly kind: 'metric'
  readonly metric: string
  readonly op: Comparison
  readonly threshold: number
}

/** No worse than the version holding `against` (default `champion`) by more than `maxDrop`. */
export interface BaselineGate extends Named {
  readonly kind: 'baseline'
  readonly metric: string
  readonly dataset: string
  readonly maxDrop: number
  /** False for losses and errors (log_loss, rmse): then lower is better. */
  readonly higherIsBetter?: boolean | undefined
  readonly against?: string | undefined
}

/** The gap between groups of `sensitiveColumn` stays at most `max`. */
export interface FairnessGate extends Named {
  readonly kind: 'fairness'
  readonly metric: FairnessMetric
  readonly sensitiveColumn: string
  readonly max: number
  readonly dataset?: string | undefined
}

/** Expected calibration error of the positive-class probability stays at most `maxEce`. */
export interface CalibrationGate extends Named {
  readonly kind: 'calibration'
  readonly maxEce: number
  readonly bins?: number | undefined
  readonly dataset?: string | undefined
}

/** The model's inputs and outputs match its declared signature. */
export interface SignatureGate extends Named {
  readonly kind: 'signature'
}

/** The model's input example runs through it. */
export interface SmokeTestGate extends Named {
  readonly kind: 'smoke_test'
}

export type Gate =
  MetricGate | BaselineGate | FairnessGate | CalibrationGate | SignatureGate | SmokeTestGate

/** A registered model's promotion rules. */
export interface PromotionPolicy {
  readonly gates: readonly Gate[]
  /** Aliases that need a passing evaluation report of every gate (default `champion`). */
  readonly protectedAliases: readonly string[]
  /** Aliases that also need an approved request by someone other than the requester. */
  readonly approvalAliases: readonly string[]
}

export const DEFAULT_POLICY: PromotionPolicy = {
  gates: [],
  protectedAliases: ['champion'],
  approvalAliases: [],
}

/** One gate's outcome in an evaluation report. */
export interface GateResult {
  readonly gate: string
  readonly kind: Gate['kind']
  readonly passed: boolean
  /** What was measured (a number), or null when nothing could be. */
  readonly observed: number | null
  /** The bound it was held to, or null for pass/fail checks. */
  readonly threshold: number | null
  /** One sentence a person can act on. */
  readonly detail: string
  /** The definition evaluated: a changed gate makes an old report not count. */
  readonly definition: Gate
}

export interface EvaluationReport {
  readonly id: string
  readonly name: string
  readonly version: number
  readonly dataset: string | undefined
  readonly passed: boolean
  readonly results: GateResult[]
  readonly createdAt: number
  readonly userId: string | undefined
}

/** The gate's name: the one given, else one read from its definition. */
export function gateName(gate: Gate): string {
  if (gate.name) return gate.name
  switch (gate.kind) {
    case 'metric':
      return `metric:${gate.metric}${gate.op}${gate.threshold}`
    case 'baseline':
      return `baseline:${gate.metric}@${gate.dataset}`
    case 'fairness':
      return `fairness:${gate.metric}(${gate.sensitiveColumn})`
    case 'calibration':
      return 'calibration:ece'
    case 'signature':
      return 'signature'
    case 'smoke_test':
      return 'smoke_test'
  }
}

/** Checks the rules a shape check cannot: unique names, sane bounds. @throws InvalidParameterError */
export function checkPolicy(policy: PromotionPolicy): void {
  const seen = new Set<string>()
  for (const gate of policy.gates) {
    const name = gateName(gate)
    if (seen.has(name)) {
      throw new InvalidParameterError(
        `Gate name '${name}' is used twice; give one of the gates a distinct 'name'`,
      )
    }
    seen.add(name)
    const bounds = gateBounds(gate)
    for (const [field, value, min] of bounds) {
      if (!Number.isFinite(value) || value < min) {
        throw new InvalidParameterError(
          `Gate '${name}': ${field} must be a finite number of at least ${min}, got ${value}`,
        )
      }
    }
  }
}

function gateBounds(gate: Gate): [string, number, number][] {
  switch (gate.kind) {
    case 'metric':
      return [['threshold', gate.threshold, -Number.MAX_VALUE]]
    case 'baseline':
      return [['maxDrop', gate.maxDrop, 0]]
    case 'fairness':
      return [['max', gate.max, 0]]
    case 'calibration':
      return [
        ['maxEce', gate.maxEce, 0],
        ['bins', gate.bins ?? 10, 1],
      ]
    case 'signature':
    case 'smoke_test':
      return []
  }
}
