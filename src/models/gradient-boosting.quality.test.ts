import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readSplitFixture } from './fixtures/read-split-fixture.js'
import { trainGradientBoostingClassifier } from './gradient-boosting.js'
import { loadOnnxModel } from './onnx-model.js'
import { runModel } from './run-model.js'

// classification.csv and the reference accuracy come from fixtures/make_classification_fixture.py
// (scikit-learn 1.2.1, HistGradientBoostingClassifier with the same hyperparameters and seeds).
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/classification-reference.json', import.meta.url), 'utf8'),
) as { accuracy: number; seeds: number[]; params: Record<string, number> }
const { train, test } = readSplitFixture(
  new URL('./fixtures/classification.csv', import.meta.url),
  ['segment', 'label'],
)
const truth = test.label as string[]

describe('gradient boosting on the shipped tabular task', () => {
  it(
    'is within 1 accuracy point of scikit-learn, and ONNX agrees to 1e-6',
    { timeout: 600_000 },
    async () => {
      const { params } = reference
      const models = reference.seeds.map((seed) =>
        trainGradientBoostingClassifier(train, {
          target: 'label',
          seed,
          learningRate: params.learning_rate,
          maxIterations: params.max_iter,
          maxLeafNodes: params.max_leaf_nodes,
          minSamplesLeaf: params.min_samples_leaf,
          l2: params.l2_regularization,
          maxBins: params.max_bins,
          validationFraction: params.validation_fraction,
          earlyStoppingRounds: params.n_iter_no_change,
          tolerance: params.tol,
        }),
      )
      const accuracies = models.map((model) => {
        const predicted = model.predict(test)
        return predicted.filter((label, i) => label === truth[i]).length / truth.length
      })
      const mean = accuracies.reduce((sum, a) => sum + a, 0) / accuracies.length
      expect(Math.abs(mean - reference.accuracy)).toBeLessThanOrEqual(0.01)

      const model = models[0]
      if (model === undefined) throw new Error('no model')
      const out = await runModel(await loadOnnxModel(model.toOnnx()), test)
      const expected = model.predictProba(test)
      const probabilities = out.probabilities?.data as number[]
      expect(
        Math.max(...probabilities.map((p, i) => Math.abs(p - (expected[i] ?? 0)))),
      ).toBeLessThan(1e-6)
      expect(out.label?.data).toEqual(model.predict(test))
    },
  )
})
