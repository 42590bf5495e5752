import type { ModelVersion } from './model.js'

/** A model version's predictions on an evaluation dataset, row-aligned. */
export interface Predictions {
  /** `classification` (binary, positive class 1) or `regression`. */
  readonly task: 'classification' | 'regression'
  /** True labels: 0/1 for classification, numbers for regression. */
  readonly labels: readonly number[]
  /** Predicted labels (0/1) or values. */
  readonly predicted: readonly number[]
  /** Predicted probability of the positive class, for classifiers that give one. */
  readonly probabilities?: readonly number[] | undefined
  /** The columns asked for (sensitive attributes), one value per row. */
  readonly columns: Readonly<Record<string, readonly string[]>>
}

/** A pass/fail check with a sentence saying why. */
export interface CheckOutcome {
  readonly passed: boolean
  readonly detail: string
}

/** What to score: a stored dataset, its label column, and the extra columns to return. */
export interface PredictRequest {
  /** The evaluation dataset, as the data context names it (`name`, `name:3`, `name@golden`). */
  readonly dataset: string
  /** The column holding the true labels; the evaluator's default when not given. */
  readonly target?: string | undefined
  /** Columns to return alongside (sensitive attributes for fairness gates). */
  readonly columns: readonly string[]
}

/**
 * Runs model versions: the seam between the registry's gates and inference. The composition root
 * implements it with the models context (ONNX runtime, signatures, input examples) and the data
 * context (datasets); the registry only does the gate arithmetic on what it returns.
 */
export interface Evaluator {
  /**
   * Scores `version` on an evaluation dataset, with its labels and the columns asked for.
   * @throws NotFoundError when the dataset does not exist, InvalidParameterError when a column is missing
   */
  predict(version: ModelVersion, request: PredictRequest): Promise<Predictions>
  /** Checks that the model's inputs and outputs match its declared signature. */
  checkSignature(version: ModelVersion): Promise<CheckOutcome>
  /** Runs the model's stored input example through it. */
  smokeTest(version: ModelVersion): Promise<CheckOutcome>
}
