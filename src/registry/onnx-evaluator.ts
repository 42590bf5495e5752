import { buffer } from 'node:stream/consumers'
import { parse as parseYaml } from 'yaml'
import {
  checkSignature,
  fromMlflowSignature,
  loadOnnxModel,
  runModel,
  type ModelInput,
  type ModelSignature,
  type OnnxModel,
} from '../models/index.js'
import type { ArtifactStore } from '../store/index.js'
import { artifactKeyOf } from '../tracking/index.js'
import type { CheckOutcome, Evaluator, Predictions } from './evaluator.js'
import { inputExampleToModelInput } from './input-example.js'
import type { ModelVersion } from './model.js'

/** What an MLflow model directory says about itself (its `MLmodel` file). */
interface MlModel {
  readonly signature?: { inputs: unknown; outputs?: unknown }
  readonly flavors?: { onnx?: { data?: string } }
  readonly saved_input_example_info?: { artifact_path?: string }
}

/** A version's model, loaded: its MLmodel, the ONNX graph, and where its files are. */
interface LoadedModel {
  readonly key: string
  readonly mlmodel: MlModel
  readonly onnx: OnnxModel
}

/** Signature inputs (required unless marked otherwise) that the example does not give. */
function missingInputs(mlmodel: MlModel, input: ModelInput): string[] {
  if (!mlmodel.signature) return []
  const given = new Set(
    Array.isArray(input) ? input.flatMap((r) => Object.keys(r)) : Object.keys(input),
  )
  return fromMlflowSignature(mlmodel.signature)
    .inputs.filter((spec) => spec.type === 'tensor' || spec.required !== false)
    .map((spec) => spec.name)
    .filter((name) => !given.has(name))
}

/**
 * Runs versions stored in MLflow's model layout (an `MLmodel` file, an ONNX flavor, an input
 * example) with the models context's ONNX runtime: the signature and smoke-test gates.
 * Scoring evaluation datasets (baseline, fairness, calibration gates) waits on the data context
 * serving dataset rows to other contexts; until then those gates fail, saying so.
 */
export class OnnxEvaluator implements Evaluator {
  constructor(private readonly artifacts: ArtifactStore) {}

  async predict(): Promise<Predictions> {
    throw new Error(
      'scoring evaluation datasets is not available yet: the data context does not serve dataset rows',
    )
  }

  async checkSignature(version: ModelVersion): Promise<CheckOutcome> {
    return this.#withModel(version, async ({ mlmodel, onnx }) => {
      if (!mlmodel.signature)
        return { passed: false, detail: 'the MLmodel file declares no signature' }
      let signature: ModelSignature
      try {
        signature = fromMlflowSignature(mlmodel.signature)
      } catch (err) {
        return { passed: false, detail: `the signature cannot be read: ${(err as Error).message}` }
      }
      const mismatches = checkSignature(signature, onnx)
      if (mismatches.length > 0) {
        return { passed: false, detail: mismatches.map((m) => m.message).join('; ') }
      }
      const { inputs, outputs } = signature
      return {
        passed: true,
        detail: `${inputs.length} inputs and ${outputs.length} outputs match the graph`,
      }
    })
  }

  async smokeTest(version: ModelVersion): Promise<CheckOutcome> {
    return this.#withModel(version, async ({ key, mlmodel, onnx }) => {
      const path = mlmodel.saved_input_example_info?.artifact_path
      if (!path) return { passed: false, detail: 'the MLmodel file names no input example' }
      const input = inputExampleToModelInput(JSON.parse(await this.#text(`${key}/${path}`)))
      if (!input)
        return {
          passed: false,
          detail: `the input example ${path} has a shape this server cannot read`,
        }
      const missing = missingInputs(mlmodel, input)
      if (missing.length > 0) {
        return {
          passed: false,
          detail: `the input example lacks required inputs: ${missing.join(', ')}`,
        }
      }
      const outputs = await runModel(onnx, input)
      return {
        passed: true,
        detail: `the input example ran; outputs: ${Object.keys(outputs).join(', ')}`,
      }
    })
  }

  /** Loads the version's model, runs `fn`, and turns any failure into a failed check. */
  async #withModel(version: ModelVersion, fn: (model: LoadedModel) => Promise<CheckOutcome>) {
    let onnx: OnnxModel | undefined
    try {
      const key = artifactKeyOf(version.storageLocation)
      const mlmodel = (parseYaml(await this.#text(`${key}/MLmodel`)) ?? {}) as MlModel
      const file = mlmodel.flavors?.onnx?.data
      if (!file) return { passed: false, detail: 'the MLmodel file has no onnx flavor' }
      onnx = await loadOnnxModel(await buffer(await this.artifacts.get(`${key}/${file}`)))
      return await fn({ key, mlmodel, onnx })
    } catch (err) {
      return { passed: false, detail: (err as Error).message }
    } finally {
      await onnx?.session.release()
    }
  }

  async #text(key: string): Promise<string> {
    return (await buffer(await this.artifacts.get(key))).toString('utf8')
  }
}
