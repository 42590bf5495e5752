import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLathe, type Lathe } from '../src/main.js'
import {
  frameFromRecords,
  trainLogisticRegression,
  writeModelPackage,
} from '../src/models/index.js'
import type { GateResult } from '../src/registry/index.js'
import { testBackends } from './support/backends.js'

/*
 * Prediction gates end to end through the composition root: ONNX packages in the artifact store,
 * an evaluation dataset version in the data context, scored by the ONNX evaluator.
 */

const rows = Array.from({ length: 100 }, (_, i) => ({
  x: i / 10,
  sex: i % 2 === 0 ? 'f' : 'm',
  churned: i >= 50 ? 1 : 0,
}))

/** A model trained to say `churned` once x reaches `boundary` (inverted: the opposite). */
function train(boundary: number, inverted = false) {
  const records = rows.map((r) => ({ ...r, churned: r.x >= boundary !== inverted ? 1 : 0 }))
  return trainLogisticRegression(frameFromRecords(records, { x: 'number', churned: 'number' }), {
    target: 'churned',
    features: ['x'],
  })
}

const GATES = [
  { kind: 'baseline', metric: 'accuracy', dataset: 'holdout', maxDrop: 0.05 },
  { kind: 'fairness', metric: 'demographic_parity_difference', sensitiveColumn: 'sex', max: 0.2 },
  { kind: 'calibration', maxEce: 0.5, dataset: 'holdout' },
  { kind: 'signature' },
  { kind: 'smoke_test' },
] as const

const summary = (r: GateResult) => [r.gate, r.passed]

for (const backend of testBackends) {
  describe(`prediction gates on ONNX models and stored datasets (${backend.name})`, () => {
    let lathe: Lathe
    let cleanup: () => Promise<void>
    let work: string

    /** Stores a model package and registers it as the next version of `churn`. */
    async function register(dir: string, model: ReturnType<typeof train>) {
      const files = writeModelPackage({
        onnx: model.toOnnx(),
        signature: model.signature,
        inputExample: rows.slice(0, 2).map(({ x }) => ({ x })),
        target: 'churned',
        datasets: [],
        metrics: model.metrics,
        createdAtMs: 0,
      })
      for (const [name, bytes] of files) {
        await lathe.artifacts.put(`models/${dir}/${name}`, Readable.from([Buffer.from(bytes)]))
      }
      const source = `mlflow-artifacts:/models/${dir}`
      return (await lathe.registry.versions.create({ name: 'churn', source })).version
    }

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
      work = mkdtempSync(join(tmpdir(), 'lathe-gates-'))
      const csv = join(work, 'holdout.csv')
      const lines = rows.map((r) => `${r.x},${r.sex},${r.churned}`)
      writeFileSync(csv, ['x,sex,churned', ...lines].join('\n'))
      await lathe.data.datasets.add(csv, { name: 'holdout' })
      await lathe.registry.models.create({ name: 'churn' })
      await lathe.registry.gates.setPolicy('churn', { gates: GATES })
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
      rmSync(work, { recursive: true, force: true })
    })

    it('scores the champion, fails a worse candidate, and passes a better one', async () => {
      const { registry } = lathe
      const first = await register('v1', train(3))
      const report = await registry.gates.evaluate('churn', first, { dataset: 'holdout' })
      expect(report.results.map(summary)).toEqual([
        ['baseline:accuracy@holdout', true],
        ['fairness:demographic_parity_difference(sex)', true],
        ['calibration:ece', true],
        ['signature', true],
        ['smoke_test', true],
      ])
      expect(report.results[0]!.observed).toBeCloseTo(0.8, 1)
      expect(report.results[1]!.observed).toBeCloseTo(0, 1)
      expect(report.results[2]!.observed).toBeGreaterThanOrEqual(0)
      await registry.aliases.set('churn', 'champion', String(first))

      const worse = await register('v2', train(5, true))
      const failed = await registry.gates.evaluate('churn', worse, { dataset: 'holdout' })
      const baseline = failed.results[0]!
      expect(baseline).toMatchObject({ gate: 'baseline:accuracy@holdout', passed: false })
      expect(baseline.observed).toBeLessThan(0.1)
      expect(baseline.threshold).toBeCloseTo(0.75, 1)
      expect(baseline.detail).toMatch(
        /^accuracy = [\d.e-]+ on holdout against 0\.8\d* for 'champion' \(version 1\); it may be lower by at most 0\.05$/,
      )
      await expect(registry.aliases.set('churn', 'champion', String(worse))).rejects.toThrow(
        /Cannot set alias 'champion' .* baseline:accuracy@holdout: failed/,
      )
      expect((await registry.aliases.getVersion('churn', 'champion')).version).toBe(first)

      const better = await register('v3', train(5))
      const passed = await registry.gates.evaluate('churn', better, { dataset: 'holdout' })
      expect(passed.passed).toBe(true)
      expect(passed.results[0]!.observed).toBeGreaterThan(0.95)
      await registry.aliases.set('churn', 'champion', String(better))
      expect((await registry.aliases.getVersion('churn', 'champion')).version).toBe(better)
    })

    it('answers an unknown dataset or label column as the caller’s error', async () => {
      const { registry } = lathe
      await expect(registry.gates.evaluate('churn', 1, { dataset: 'nope' })).rejects.toMatchObject({
        code: 'RESOURCE_DOES_NOT_EXIST',
      })
      await expect(
        registry.gates.evaluate('churn', 1, { dataset: 'holdout', target: 'left' }),
      ).rejects.toThrow("Dataset holdout has no column 'left' (columns: x, sex, churned)")
    })

    it('fails the prediction gates of a model that cannot be read, saying why', async () => {
      await lathe.artifacts.put('models/junk/model.onnx', Readable.from([Buffer.from('junk')]))
      const version = (
        await lathe.registry.versions.create({
          name: 'churn',
          source: 'mlflow-artifacts:/models/junk',
        })
      ).version
      const report = await lathe.registry.gates.evaluate('churn', version, { dataset: 'holdout' })
      expect(report.passed).toBe(false)
      expect(report.results[0]!.detail).toMatch(/^evaluation failed: Cannot load the ONNX model/)
    })
  })
}
