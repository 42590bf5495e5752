import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { checkSignature, signatureFromOnnx, verifySignature } from './check-signature.js'
import { loadOnnxModel } from './onnx-model.js'
import {
  mixedInputModel,
  pytorchStyleNetwork,
  sklearnStyleClassifier,
  xgboostStyleClassifier,
} from './onnx-test-models.js'
import { runModel } from './run-model.js'

describe('checkSignature', () => {
  it('accepts the signature read from the graph itself', async () => {
    const model = await loadOnnxModel(sklearnStyleClassifier({ zipMap: true }))
    const signature = signatureFromOnnx(model)
    expect(signature).toEqual({
      inputs: [{ name: 'X', type: 'tensor', dtype: 'float32', shape: [-1, 4] }],
      outputs: [
        { name: 'label', type: 'tensor', dtype: 'int64', shape: [-1] },
        { name: 'probabilities', type: 'tensor', dtype: 'float32', shape: [-1, 3] },
      ],
    })
    expect(checkSignature(signature, model)).toEqual([])
    expect(() => verifySignature(signature, model)).not.toThrow()
  })

  it('lists each precise mismatch', async () => {
    const model = await loadOnnxModel(mixedInputModel())
    const signature = {
      inputs: [
        { name: 'a', type: 'float' as const },
        { name: 'city', type: 'tensor' as const, dtype: 'str' as const, shape: [-1, 2] },
        { name: 'extra', type: 'double' as const },
      ],
      outputs: [
        { name: 'sum', type: 'double' as const },
        { name: 'label', type: 'long' as const },
      ],
    }
    expect(checkSignature(signature, model).map((m) => [m.side, m.name, m.problem])).toEqual([
      ['input', 'a', 'type'],
      ['input', 'city', 'shape'],
      ['input', 'extra', 'not-in-graph'],
      ['output', 'label', 'not-in-graph'],
      ['input', 'n', 'not-in-signature'],
    ])
    expect(() => verifySignature(signature, model)).toThrow(InvalidParameterError)
    expect(() => verifySignature(signature, model)).toThrow(
      "Input 'a' is float in the signature but float64 in the graph",
    )
  })

  it('flags a ZipMap output named in the signature and a column spec for a matrix input', async () => {
    const model = await loadOnnxModel(sklearnStyleClassifier({ zipMap: true }))
    const signature = {
      inputs: [{ name: 'X', type: 'float' as const }],
      outputs: [{ name: 'output_probability', type: 'double' as const }],
    }
    expect(checkSignature(signature, model).map((m) => m.message)).toEqual([
      "Input 'X': a column is fed as [N, 1] but the graph wants [N, 4]; declare a tensor spec",
      "Graph output 'output_probability' is not a tensor (a ZipMap?); it cannot be served",
    ])
  })

  it('requires the fixed dimensions of a tensor spec to match', async () => {
    const model = await loadOnnxModel(sklearnStyleClassifier())
    const inputs = [
      { name: 'X', type: 'tensor' as const, dtype: 'float32' as const, shape: [-1, 5] },
    ]
    expect(checkSignature({ inputs, outputs: [] }, model)[0]?.message).toBe(
      "Input 'X': the signature declares [-1, 5] but the graph wants [N, 4]",
    )
  })
})

describe('models exported elsewhere', () => {
  it.each([
    ['scikit-learn (ZipMap)', sklearnStyleClassifier({ zipMap: true }), { X: [[1, 0, 0, 0]] }],
    [
      'XGBoost',
      xgboostStyleClassifier(),
      {
        input: [
          [0, 0.4],
          [0, 0.6],
        ],
      },
    ],
    ['PyTorch', pytorchStyleNetwork(), { input: [[1, 2, 3]] }],
  ])(
    'loads a %s-style graph, derives a signature it passes and runs it',
    async (_name, bytes, input) => {
      const model = await loadOnnxModel(bytes)
      const signature = signatureFromOnnx(model)
      expect(checkSignature(signature, model)).toEqual([])
      const out = await runModel(model, input)
      expect(Object.keys(out)).toEqual(signature.outputs.map((spec) => spec.name))
    },
  )

  it('computes what those graphs define', async () => {
    const xgboost = await runModel(await loadOnnxModel(xgboostStyleClassifier()), {
      input: [
        [0, 0.4],
        [0, 0.5],
        [0, NaN],
      ],
    })
    expect(xgboost.label?.data).toEqual([0, 1, 0])
    const torch = await runModel(await loadOnnxModel(pytorchStyleNetwork()), { input: [[1, 2, 3]] })
    expect(torch.output).toEqual({ type: 'float32', dims: [1, 2], data: [0, 2] })
  })
})
