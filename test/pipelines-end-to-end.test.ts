import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { RunDetail } from '../src/pipelines/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe } from './support/lathe.js'

/*
 * The end-to-end case: a YAML pipeline of seven steps (a shell step running a node
 * script, then built-ins) makes data, versions and validates it, trains, registers, evaluates
 * gates and promotes. A second run is all cache hits; changing one parameter reruns only the
 * steps downstream of it; `rerun` reproduces the first run and says its outputs match.
 */

const PIPELINE = fileURLToPath(new URL('./fixtures/pipelines/churn/pipeline.yaml', import.meta.url))
const TYPESCRIPT = fileURLToPath(new URL('./fixtures/pipelines/churn/pipeline.ts', import.meta.url))
const STEPS = ['make-data', 'version', 'validate', 'train', 'register', 'gates', 'promote']

function statuses(run: RunDetail): [string, string][] {
  return run.steps.map((s) => [s.step, s.status])
}

for (const backend of testBackends) {
  describe(`pipelines end to end (${backend.name})`, () => {
    it(
      'runs, caches, reruns downstream of a changed parameter, and reproduces',
      { timeout: 180_000 },
      async () => {
        const { lathe, close } = await startTestLathe(backend)
        try {
          await lathe.registry.models.create({ name: 'churn' })
          await lathe.registry.gates.setPolicy('churn', {
            gates: [{ kind: 'metric', metric: 'validation_accuracy', op: '>=', threshold: 0.55 }],
          })

          const first = await (await lathe.pipelines.run(PIPELINE)).done
          expect(statuses(first)).toEqual(STEPS.map((s) => [s, 'succeeded']))
          expect((await lathe.registry.aliases.getVersion('churn', 'champion')).version).toBe(1)

          // Each step is a tracking run nested under the pipeline run's, as MLflow nests runs.
          for (const step of first.steps) {
            const run = await lathe.tracking.runs.get(step.trackingRunId!)
            const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]))
            expect(tags['mlflow.parentRunId']).toBe(first.trackingRunId)
            expect(run.info.status).toBe('FINISHED')
          }
          const shell = first.steps.find((s) => s.step === 'make-data')!
          const files = (await lathe.tracking.artifacts.list(shell.trackingRunId!)).files.map(
            (f) => f.path,
          )
          expect(files).toEqual(expect.arrayContaining(['stdout.log', 'stderr.log']))
          expect(shell.logTail).toContain('wrote 300 rows (seed 7)')

          // The reproducibility record.
          expect(first.repro.git?.commit).toMatch(/^[0-9a-f]{40}$/)
          expect(first.repro).toMatchObject({
            nodeVersion: process.version,
            seed: 7,
            params: { rows: 300, seed: 7, l2: 0.0001 },
          })
          expect(first.repro.packageLockSha256).toMatch(/^[0-9a-f]{64}$/)
          const version = first.steps.find((s) => s.step === 'version')!.outputs as {
            id: string
            digest: string
          }
          expect(first.inputs).toEqual([
            { kind: 'dataset_version', id: version.id, digest: version.digest },
          ])

          const second = await (await lathe.pipelines.run(PIPELINE)).done
          expect(statuses(second)).toEqual(STEPS.map((s) => [s, 'cached']))
          expect(second.steps.every((s) => s.cachedFrom === first.runId)).toBe(true)

          const third = await (await lathe.pipelines.run('churn', { params: { l2: '0.01' } })).done
          expect(statuses(third)).toEqual([
            ['make-data', 'cached'],
            ['version', 'cached'],
            ['validate', 'cached'],
            ['train', 'succeeded'],
            ['register', 'succeeded'],
            ['gates', 'succeeded'],
            ['promote', 'succeeded'],
          ])
          expect((await lathe.registry.aliases.getVersion('churn', 'champion')).version).toBe(2)

          // Lineage: pipeline run → step runs → what they made.
          await lathe.lineage.drain()
          const graph = await lathe.lineage.downstream({ kind: 'pipeline_run', id: third.runId }, 2)
          const train = third.steps.find((s) => s.step === 'train')!
          const register = third.steps.find((s) => s.step === 'register')!
          const edges = graph.edges.map(
            (e) => `${e.from.kind}:${e.from.id} ${e.relation} ${e.to.kind}:${e.to.id}`,
          )
          expect(edges).toEqual(
            expect.arrayContaining([
              `pipeline_run:${third.runId} ran_step run:${train.trackingRunId}`,
              `run:${register.trackingRunId} produced model_version:churn/2`,
            ]),
          )

          const rerun = await lathe.pipelines.rerun(first.runId)
          const report = await rerun.done
          expect(report.steps.map((s) => [s.step, s.status, s.isMatch])).toEqual(
            STEPS.map((s) => [s, 'succeeded', true]),
          )
          expect(report.isMatch).toBe(true)
        } finally {
          await close()
        }
      },
    )

    it(
      'runs the same pipeline written in TypeScript, typed step to step',
      { timeout: 120_000 },
      async () => {
        const { lathe, close } = await startTestLathe(backend)
        try {
          const run = await (await lathe.pipelines.run(TYPESCRIPT)).done
          expect(run.failures).toEqual([])
          expect(run.steps.map((s) => [s.step, s.kind, s.status])).toEqual([
            ['make-data', 'shell', 'succeeded'],
            ['version', 'dataset.version', 'succeeded'],
            ['validate', 'contract.validate', 'succeeded'],
            ['split-check', 'function', 'succeeded'],
            ['train', 'model.train', 'succeeded'],
            ['register', 'model.register', 'succeeded'],
            ['gates', 'gates.evaluate', 'succeeded'],
          ])
          expect(run.steps.find((s) => s.step === 'split-check')!.outputs).toEqual({
            isLarge: true,
          })
          expect((await lathe.registry.versions.get('churn-ts', 1)).version).toBe(1)
        } finally {
          await close()
        }
      },
    )
  })
}
