import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { openLathe, type Lathe } from '../src/main.js'
import {
  frameFromRecords,
  toMlflowSignature,
  trainLogisticRegression,
} from '../src/models/index.js'
import { OnnxEvaluator, Registry, trackingReader } from '../src/registry/index.js'
import { testBackends } from './support/backends.js'

/*
 * The signature and smoke-test gates on real ONNX models stored in MLflow's layout (MLmodel,
 * model.onnx, input_example.json), run by the models context's runtime.
 */

const records = Array.from({ length: 40 }, (_, i) => ({ x: i / 4, y: i % 2 === 0 ? 'a' : 'b' }))

for (const backend of testBackends) {
  describe(`ONNX evaluator (${backend.name})`, () => {
    let lathe: Lathe
    let registry: Registry
    let cleanup: () => Promise<void>

    async function put(key: string, body: string | Uint8Array) {
      await lathe.artifacts.put(key, Readable.from([Buffer.from(body)]))
    }
    /** Stores a model directory and registers it as the next version of `onnx`. */
    async function register(dir: string, mlmodel: object, example?: unknown) {
      const model = trainLogisticRegression(
        frameFromRecords(records, { x: 'number', y: 'string' }),
        {
          target: 'y',
        },
      )
      await put(`${dir}/model.onnx`, model.toOnnx())
      await put(
        `${dir}/MLmodel`,
        stringify({ signature: toMlflowSignature(model.signature), ...mlmodel }),
      )
      if (example !== undefined) await put(`${dir}/input_example.json`, JSON.stringify(example))
      return registry.versions.create({ name: 'onnx', source: `mlflow-artifacts:/${dir}` })
    }
    const results = async (version: number) =>
      (await registry.gates.evaluate('onnx', version)).results.map((r) => [
        r.gate,
        r.passed,
        r.detail,
      ])

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
      const { store, clock, tracking, artifacts } = lathe
      const evaluator = new OnnxEvaluator(artifacts)
      registry = new Registry({ store, clock, tracking: trackingReader(tracking), evaluator })
      await registry.models.create({ name: 'onnx' })
      await registry.gates.setPolicy('onnx', {
        gates: [{ kind: 'signature' }, { kind: 'smoke_test' }],
      })
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    const flavors = { onnx: { data: 'model.onnx' } }
    const exampleInfo = {
      artifact_path: 'input_example.json',
      type: 'dataframe',
      pandas_orient: 'split',
    }

    it('passes a model whose signature matches and whose input example runs', async () => {
      const v = await register(
        '0/models/good',
        { flavors, saved_input_example_info: exampleInfo },
        {
          columns: ['x'],
          data: [[1.5], [7]],
        },
      )
      expect(await results(v.version)).toEqual([
        ['signature', true, '1 inputs and 2 outputs match the graph'],
        ['smoke_test', true, 'the input example ran; outputs: label, probabilities'],
      ])
    })

    it('fails a model without an input example, and one whose example does not fit', async () => {
      const bare = await register('0/models/bare', { flavors })
      expect((await results(bare.version))[1]).toEqual([
        'smoke_test',
        false,
        'the model package has no input example',
      ])
      const wrong = await register(
        '0/models/wrong',
        { flavors, saved_input_example_info: exampleInfo },
        {
          dataframe_split: { columns: ['z'], data: [[1]] },
        },
      )
      expect((await results(wrong.version))[1]).toEqual([
        'smoke_test',
        false,
        'the input example lacks required inputs: x',
      ])
    })

    it('fails both gates when the files are not an ONNX model in MLflow’s layout', async () => {
      const noOnnx =
        '0/models/junk holds no .onnx files; a model package needs exactly one, or MLmodel flavors.onnx.data naming it'
      await put('0/models/junk/MLmodel', 'flavors: {python_function: {}}')
      const v = await registry.versions.create({
        name: 'onnx',
        source: 'mlflow-artifacts:/0/models/junk',
      })
      expect(await results(v.version)).toEqual([
        ['signature', false, noOnnx],
        ['smoke_test', false, noOnnx],
      ])
      const none = await registry.versions.create({
        name: 'onnx',
        source: 'mlflow-artifacts:/0/models/none',
      })
      const [signature] = await results(none.version)
      expect(signature![1]).toBe(false)
    })
  })
}
