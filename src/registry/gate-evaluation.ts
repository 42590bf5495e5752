import { DomainError } from '../shared/errors.js'
import type { Run } from '../tracking/index.js'
import { expectedCalibrationError } from './calibration.js'
import type { Evaluator, Predictions } from './evaluator.js'
import { demographicParityDifference, equalOpportunityDifference } from './fairness.js'
import {
  gateName,
  type BaselineGate,
  type CalibrationGate,
  type Comparison,
  type FairnessGate,
  type Gate,
  type GateResult,
  type MetricGate,
} from './gate.js'
import type { ModelVersion } from './model.js'
import { predictionMetrics } from './prediction-metrics.js'

/** What evaluating one version's gates needs. */
export interface GateContext {
  readonly version: ModelVersion
  /** The version's source run, for metric gates. */
  readonly run: Run | undefined
  /** The evaluation dataset given (`--data`), for gates that do not name their own. */
  readonly dataset: string | undefined
  /** The label column of evaluation datasets (`--target`), when not the evaluator's default. */
  readonly target: string | undefined
  readonly evaluator: Evaluator | undefined
  /** The version an alias points at now, for baseline gates. */
  readonly holderOf: (alias: string) => Promise<ModelVersion | undefined>
}

type Outcome = Omit<GateResult, 'gate' | 'kind' | 'definition'>

const COMPARE: Record<Comparison, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
}

function fail(detail: string, observed: number | null = null, threshold: number | null = null) {
  return { passed: false, observed, threshold, detail }
}

/** A number for the report: JSON has no NaN, so an unmeasurable value is null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null
}

/**
 * Evaluates every gate of a version. Inference runs once per (version, dataset); a gate that
 * cannot be measured fails with a reason, and the evaluator's domain errors (an unknown dataset)
 * reach the caller.
 */
export async function evaluateGates(
  gates: readonly Gate[],
  ctx: GateContext,
): Promise<GateResult[]> {
  const predictions = new Map<string, Promise<Predictions>>()
  const columns = [
    ...new Set(gates.flatMap((g) => (g.kind === 'fairness' ? [g.sensitiveColumn] : []))),
  ]
  const predict = (version: ModelVersion, dataset: string): Promise<Predictions> => {
    const key = `${version.version}@${dataset}`
    let found = predictions.get(key)
    if (!found) {
      found = ctx.evaluator!.predict(version, { dataset, target: ctx.target, columns })
      predictions.set(key, found)
    }
    return found
  }
  const results: GateResult[] = []
  for (const gate of gates) {
    let outcome: Outcome
    try {
      outcome = await evaluateGate(gate, ctx, predict)
    } catch (err) {
      if (err instanceof DomainError) throw err
      outcome = fail(`evaluation failed: ${(err as Error).message}`)
    }
    results.push({ gate: gateName(gate), kind: gate.kind, ...outcome, definition: gate })
  }
  return results
}

type Predict = (version: ModelVersion, dataset: string) => Promise<Predictions>

async function evaluateGate(gate: Gate, ctx: GateContext, predict: Predict): Promise<Outcome> {
  if (gate.kind === 'metric') return metricGate(gate, ctx)
  if (!ctx.evaluator) {
    return fail('no evaluator is configured in this Lathe, so the model cannot be run')
  }
  switch (gate.kind) {
    case 'baseline':
      return baselineGate(gate, ctx, predict)
    case 'fairness':
    case 'calibration': {
      const dataset = gate.dataset ?? ctx.dataset
      if (!dataset)
        return fail("needs an evaluation dataset: pass --data or set the gate's dataset")
      const p = await predict(ctx.version, dataset)
      return gate.kind === 'fairness'
        ? fairnessGate(gate, p, dataset)
        : calibrationGate(gate, p, dataset)
    }
    case 'signature':
      return {
        ...(await ctx.evaluator.checkSignature(ctx.version)),
        observed: null,
        threshold: null,
      }
    case 'smoke_test':
      return { ...(await ctx.evaluator.smokeTest(ctx.version)), observed: null, threshold: null }
  }
}

function metricGate(gate: MetricGate, ctx: GateContext): Outcome {
  if (!ctx.run) {
    return fail(
      `version ${ctx.version.version} has no source run to read '${gate.metric}' from`,
      null,
      gate.threshold,
    )
  }
  const metric = ctx.run.data.metrics.find((m) => m.key === gate.metric)
  if (!metric) {
    return fail(`run ${ctx.run.info.runId} logged no metric '${gate.metric}'`, null, gate.threshold)
  }
  return {
    passed: COMPARE[gate.op](metric.value, gate.threshold),
    observed: finite(metric.value),
    threshold: gate.threshold,
    detail: `run ${ctx.run.info.runId} logged ${gate.metric} = ${metric.value}; the gate needs ${gate.op} ${gate.threshold}`,
  }
}

function metricOf(p: Predictions, metric: string): number {
  const metrics = predictionMetrics(p)
  const value = metrics[metric]
  if (value === undefined) {
    throw new Error(`unknown metric '${metric}'; one of ${Object.keys(metrics).join(', ')}`)
  }
  return value
}

async function baselineGate(
  gate: BaselineGate,
  ctx: GateContext,
  predict: Predict,
): Promise<Outcome> {
  const against = gate.against ?? 'champion'
  const candidate = metricOf(await predict(ctx.version, gate.dataset), gate.metric)
  const holder = await ctx.holderOf(against)
  if (!holder || holder.version === ctx.version.version) {
    const why = holder
      ? `version ${holder.version} is this version`
      : `no version holds '${against}' yet`
    return {
      passed: Number.isFinite(candidate),
      observed: finite(candidate),
      threshold: null,
      detail: `${gate.metric} = ${candidate} on ${gate.dataset}; ${why}, so there is nothing to be worse than`,
    }
  }
  const baseline = metricOf(await predict(holder, gate.dataset), gate.metric)
  const higherIsBetter = gate.higherIsBetter ?? true
  const bound = higherIsBetter ? baseline - gate.maxDrop : baseline + gate.maxDrop
  return {
    passed: higherIsBetter ? candidate >= bound : candidate <= bound,
    observed: finite(candidate),
    threshold: finite(bound),
    detail: `${gate.metric} = ${candidate} on ${gate.dataset} against ${baseline} for '${against}' (version ${holder.version}); it may be ${higherIsBetter ? 'lower' : 'higher'} by at most ${gate.maxDrop}`,
  }
}

function fairnessGate(gate: FairnessGate, p: Predictions, dataset: string): Outcome {
  const groups = p.columns[gate.sensitiveColumn]
  if (!groups || groups.length !== p.labels.length) {
    return fail(
      `dataset ${dataset} gave no column '${gate.sensitiveColumn}' for every row`,
      null,
      gate.max,
    )
  }
  const gap =
    gate.metric === 'demographic_parity_difference'
      ? demographicParityDifference(p.predicted, groups)
      : equalOpportunityDifference(p.labels, p.predicted, groups)
  const rates = Object.entries(gap.rates)
    .map(([group, rate]) => `${group} ${rate.toFixed(4)}`)
    .join(', ')
  return {
    passed: gap.difference <= gate.max,
    observed: finite(gap.difference),
    threshold: gate.max,
    detail: `${gate.metric} across '${gate.sensitiveColumn}' on ${dataset} (rates: ${rates || 'none'}); at most ${gate.max} allowed`,
  }
}

function calibrationGate(gate: CalibrationGate, p: Predictions, dataset: string): Outcome {
  if (p.task !== 'classification' || !p.probabilities) {
    return fail(
      `calibration needs positive-class probabilities; the model gave none on ${dataset}`,
      null,
      gate.maxEce,
    )
  }
  const ece = expectedCalibrationError(p.probabilities, p.labels, gate.bins ?? 10)
  return {
    passed: ece <= gate.maxEce,
    observed: finite(ece),
    threshold: gate.maxEce,
    detail: `expected calibration error over ${gate.bins ?? 10} bins on ${dataset}; at most ${gate.maxEce} allowed`,
  }
}
