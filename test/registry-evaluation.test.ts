import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLathe, type Lathe } from '../src/main.js'
import {
  Registry,
  trackingReader,
  type Evaluator,
  type GateResult,
  type Predictions,
} from '../src/registry/index.js'
import { NotFoundError } from '../src/shared/errors.js'
import { testBackends } from './support/backends.js'

/*
 * The prediction gates (baseline against the champion, fairness, calibration, signature, smoke
 * test) through the Evaluator seam, with an evaluator that returns fixed predictions: the gate
 * arithmetic, the stored report and the alias rule, on every backend.
 */

const labels = [1, 1, 1, 1, 0, 0, 0, 0]
const sex = ['f', 'f', 'm', 'm', 'f', 'f', 'm', 'm']
const PREDICTIONS: Record<number, Predictions> = {
  1: { task: 'classification', labels, predicted: [1, 1, 1, 1, 0, 0, 0, 0], columns: { sex } },
  2: {
    task: 'classification',
    labels,
    predicted: [1, 1, 1, 0, 1, 0, 0, 0],
    probabilities: [0.9, 0.8, 0.7, 0.4, 0.6, 0.3, 0.2, 0.1],
    columns: { sex },
  },
}

const evaluator: Evaluator = {
  async predict(version, { dataset, target, columns }) {
    if (dataset !== 'holdout') throw new NotFoundError(`No dataset named ${dataset}`)
    expect({ target, columns }).toEqual({ target: 'churned', columns: ['sex'] })
    return PREDICTIONS[version.version]!
  },
  async checkSignature() {
    return { passed: true, detail: 'inputs and outputs match the signature' }
  },
  async smokeTest(version) {
    if (version.version === 2) throw new Error('boom')
    return { passed: true, detail: 'the input example ran' }
  },
}

const GATES = [
  { kind: 'baseline', metric: 'accuracy', dataset: 'holdout', maxDrop: 0.1 },
  { kind: 'fairness', metric: 'demographic_parity_difference', sensitiveColumn: 'sex', max: 0.6 },
  { kind: 'fairness', metric: 'equal_opportunity_difference', sensitiveColumn: 'sex', max: 0.2 },
  { kind: 'calibration', maxEce: 0.35 },
  { kind: 'signature' },
  { kind: 'smoke_test' },
] as const

const outcome = (r: GateResult) => [r.gate, r.passed, r.observed, r.threshold]

for (const backend of testBackends) {
  describe(`prediction gates (${backend.name})`, () => {
    let lathe: Lathe
    let registry: Registry
    let cleanup: () => Promise<void>

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
      const { store, clock, tracking } = lathe
      registry = new Registry({ store, clock, tracking: trackingReader(tracking), evaluator })
      await registry.models.create({ name: 'scored' })
      for (const n of [1, 2]) {
        await registry.versions.create({ name: 'scored', source: `mlflow-artifacts:/0/v${n}` })
      }
      await registry.gates.setPolicy('scored', { gates: GATES })
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('passes the first champion, which has nothing to be worse than', async () => {
      const report = await registry.gates.evaluate('scored', '1', {
        dataset: 'holdout',
        target: 'churned',
      })
      expect(report.results.map(outcome)).toEqual([
        ['baseline:accuracy@holdout', true, 1, null],
        ['fairness:demographic_parity_difference(sex)', true, 0, 0.6],
        ['fairness:equal_opportunity_difference(sex)', true, 0, 0.2],
        ['calibration:ece', false, null, 0.35],
        ['signature', true, null, null],
        ['smoke_test', true, null, null],
      ])
      expect(report.results[3]!.detail).toBe(
        'calibration needs positive-class probabilities; the model gave none on holdout',
      )
      expect(report.passed).toBe(false)
      await registry.gates.setPolicy('scored', {
        gates: GATES.filter((g) => g.kind !== 'calibration'),
      })
      expect(
        (await registry.gates.evaluate('scored', '1', { dataset: 'holdout', target: 'churned' }))
          .passed,
      ).toBe(true)
      await registry.aliases.set('scored', 'champion', '1')
      await registry.gates.setPolicy('scored', { gates: GATES })
    })

    it('measures a candidate against the champion, per group, and for calibration', async () => {
      const report = await registry.gates.evaluate('scored', '2', {
        dataset: 'holdout',
        target: 'churned',
      })
      const results = report.results.map(outcome)
      expect(results.slice(0, 3)).toEqual([
        ['baseline:accuracy@holdout', false, 0.75, 0.9],
        ['fairness:demographic_parity_difference(sex)', true, 0.5, 0.6],
        ['fairness:equal_opportunity_difference(sex)', false, 0.5, 0.2],
      ])
      expect(results[3]![1]).toBe(true)
      expect(results[3]![2]).toBeCloseTo(0.3, 12)
      expect(results.slice(4)).toEqual([
        ['signature', true, null, null],
        ['smoke_test', false, null, null],
      ])
      expect(report.results[0]!.detail).toBe(
        "accuracy = 0.75 on holdout against 1 for 'champion' (version 1); it may be lower by at most 0.1",
      )
      expect(report.results[1]!.detail).toBe(
        "demographic_parity_difference across 'sex' on holdout (rates: f 0.7500, m 0.2500); at most 0.6 allowed",
      )
      expect(report.results[5]!.detail).toBe('evaluation failed: boom')
      const refusal = registry.aliases.set('scored', 'champion', '2')
      await expect(refusal).rejects.toThrow(
        "Cannot set alias 'champion' of registered model 'scored' to version 2: 3 gate(s) failed or missing: baseline:accuracy@holdout: failed (observed 0.75, threshold 0.9:",
      )
      await expect(registry.aliases.getVersion('scored', 'champion')).resolves.toMatchObject({
        version: 1,
      })
    })

    it('reaches the caller for an unknown dataset, storing no report', async () => {
      const before = await registry.gates.reports('scored', '2')
      await expect(
        registry.gates.evaluate('scored', '2', { dataset: 'nope', target: 'churned' }),
      ).rejects.toThrow('No dataset named nope')
      expect(await registry.gates.reports('scored', '2')).toEqual(before)
    })

    it('fails dataset gates without a dataset, saying how to give one', async () => {
      const report = await registry.gates.evaluate('scored', '2', { target: 'churned' })
      expect(report.results[1]).toMatchObject({
        passed: false,
        detail: "needs an evaluation dataset: pass --data or set the gate's dataset",
      })
    })
  })
}
