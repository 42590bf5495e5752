import {
  trainGradientBoostingClassifier,
  trainGradientBoostingRegressor,
  trainLinearRegression,
  trainLogisticRegression,
  type Frame,
  type TrainedModel,
  type TrainOptions,
} from '../../models/index.js'

/** A built-in trainer; its own hyperparameters (`l2`, …) travel beside the common options. */
type Trainer = (
  frame: Frame,
  options: TrainOptions & Readonly<Record<string, unknown>>,
) => TrainedModel

// Each trainer checks its own options and throws InvalidParameterError for a bad one.
const loosely =
  <O>(train: (frame: Frame, options: O) => TrainedModel): Trainer =>
  (frame, options) =>
    train(frame, options as O)

/** The models context's trainers, by the name `model.train` takes. */
export const TRAINERS: Readonly<Record<string, Trainer>> = {
  logistic_regression: loosely(trainLogisticRegression),
  linear_regression: loosely(trainLinearRegression),
  gradient_boosting_classifier: loosely(trainGradientBoostingClassifier),
  gradient_boosting_regressor: loosely(trainGradientBoostingRegressor),
}
