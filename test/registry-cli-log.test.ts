import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { registerModelCommands } from '../src/cli/commands/models.js'
import type { Config } from '../src/config.js'
import { openLathe, type Lathe } from '../src/main.js'
import { pytorchStyleNetwork, sklearnStyleClassifier } from '../src/models/onnx-test-models.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'

/* `lathe models log FILE.onnx`: third-party ONNX files logged as packages, checked first. */

const SIGNATURE = {
  inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] }, name: 'X' }],
  outputs: [
    { type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] }, name: 'label' },
    { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] }, name: 'probabilities' },
  ],
}

for (const backend of testBackends) {
  describe(`lathe models log (${backend.name})`, () => {
    let config: Config
    let cleanup: () => Promise<void>
    let lathe: Lathe
    let classifier: string
    const models = (...args: string[]) => runCli(config, registerModelCommands, ['models', ...args])

    beforeAll(async () => {
      ;({ config, cleanup } = await backend.fresh())
      lathe = await openLathe(config)
      classifier = join(config.home, 'classifier.onnx')
      await writeFile(classifier, sklearnStyleClassifier())
      const csv = join(config.home, 'iris.csv')
      await writeFile(csv, 'a,b,c,d,species\n1,2,3,4,10\n4,3,2,1,20\n')
      await lathe.data.datasets.add(csv, { name: 'iris' })
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('logs a scikit-learn export with its signature and example, and registers it', async () => {
      const signature = join(config.home, 'signature.json')
      await writeFile(signature, JSON.stringify(SIGNATURE))
      const { out, exitCode } = await models(
        'log',
        classifier,
        '--signature',
        signature,
        '--input-example',
        '[{"X": [1, 2, 3, 4]}, {"X": [0, 0, 0, 1]}]',
        '--dataset',
        'iris',
        '--register',
        'iris',
        '--json',
      )
      expect(exitCode).toBe(0)
      const logged = JSON.parse(out) as { runId: string; modelUri: string; registered: unknown }
      expect(logged).toMatchObject({
        modelUri: `runs:/${logged.runId}/model`,
        datasets: ['iris:1'],
        registered: { name: 'iris', version: 1 },
      })
      const run = await lathe.tracking.runs.get(logged.runId)
      expect(run.info.status).toBe('FINISHED')
      const { files } = await lathe.tracking.artifacts.list(logged.runId, 'model')
      expect(files.map((f) => f.path).sort()).toEqual([
        'model/MLmodel',
        'model/input_example.json',
        'model/lathe.json',
        'model/model.onnx',
      ])
      const mlmodel = parse(
        await text(await lathe.tracking.artifacts.get(logged.runId, 'model/MLmodel')),
      ) as { run_id: string; flavors: object }
      expect(mlmodel).toMatchObject({
        run_id: logged.runId,
        flavors: { onnx: { data: 'model.onnx' } },
      })

      await lathe.registry.gates.setPolicy('iris', {
        gates: [{ kind: 'signature' }, { kind: 'smoke_test' }],
      })
      const report = await lathe.registry.gates.evaluate('iris', 1)
      expect(report.results.map((r) => [r.gate, r.passed, r.detail])).toEqual([
        ['signature', true, '1 inputs and 2 outputs match the graph'],
        ['smoke_test', true, 'the input example ran; outputs: label, probabilities'],
      ])
      await lathe.lineage.drain()
      const upstream = await lathe.lineage.upstream({ kind: 'model_version', id: 'iris/1' })
      expect(upstream.nodes.map((n) => n.kind)).toContain('dataset_version')
    })

    it('reads the signature from the graph when none is given', async () => {
      const network = join(config.home, 'network.onnx')
      await writeFile(network, pytorchStyleNetwork())
      const { out } = await models('log', network, '--register', 'net', '--json')
      const logged = JSON.parse(out) as { signature: { inputs: { name: string }[] } }
      expect(logged.signature.inputs.length).toBeGreaterThan(0)
      expect((await lathe.registry.versions.get('net', 1)).source).toMatch(/^runs:\/\w+\/model$/)
    })

    it('refuses a corrupt file, a signature that does not fit, and an example that does not run', async () => {
      const runsBefore = (await lathe.tracking.searchRuns({ experimentIds: ['0'] })).items.length
      const junk = join(config.home, 'junk.onnx')
      await writeFile(junk, 'not a model')
      await expect(models('log', junk)).rejects.toThrow(/^Cannot load the ONNX model/)
      const wrong = JSON.stringify({ ...SIGNATURE, inputs: [{ type: 'double', name: 'x' }] })
      await expect(models('log', classifier, '--signature', wrong)).rejects.toThrow(
        /^The signature does not match the ONNX graph:\n- /,
      )
      await expect(
        models(
          'log',
          classifier,
          '--signature',
          JSON.stringify(SIGNATURE),
          '--input-example',
          '[{"X": [1, 2]}]',
        ),
      ).rejects.toThrow(/^The input example does not run: /)
      await expect(models('log', classifier, '--signature', '{"inputs": ')).rejects.toThrow(
        /^--signature is not valid JSON/,
      )
      await expect(models('log', join(config.home, 'missing.onnx'))).rejects.toThrow(
        /^FILE: cannot read/,
      )
      await expect(models('log', classifier, '--dataset', 'nope')).rejects.toMatchObject({
        code: 'RESOURCE_DOES_NOT_EXIST',
      })
      const runsAfter = (await lathe.tracking.searchRuns({ experimentIds: ['0'] })).items.length
      expect(runsAfter).toBe(runsBefore)
    })
  })
}
