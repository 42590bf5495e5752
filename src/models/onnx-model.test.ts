import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { GraphBuilder } from './onnx-graph.js'
import { loadOnnxModel } from './onnx-model.js'
import { sklearnStyleClassifier } from './onnx-test-models.js'

describe('loadOnnxModel', () => {
  it('reads the graph inputs and outputs, non-tensor outputs included', async () => {
    const model = await loadOnnxModel(sklearnStyleClassifier({ zipMap: true }))
    expect({ inputs: model.inputs, outputs: model.outputs }).toEqual({
      inputs: [{ name: 'X', isTensor: true, type: 'float32', shape: ['N', 4] }],
      outputs: [
        { name: 'label', isTensor: true, type: 'int64', shape: ['N'] },
        { name: 'probabilities', isTensor: true, type: 'float32', shape: ['N', 3] },
        { name: 'output_probability', isTensor: false },
      ],
    })
  })

  it.each([
    ['empty', new Uint8Array(0), /empty/],
    ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 256), /protobuf/],
    ['truncated', sklearnStyleClassifier().slice(0, 200), /Cannot load/],
    ['text', new TextEncoder().encode('not a model'), /protobuf/],
  ])('rejects a corrupt file (%s) with a typed error', async (_name, bytes, message) => {
    const error = await loadOnnxModel(bytes).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidParameterError)
    expect((error as Error).message).toMatch(message)
  })

  it('rejects an opset the runtime does not support', async () => {
    const g = new GraphBuilder()
    const x = g.input({ name: 'x', type: 'double', shape: ['N', 1] })
    g.node('Identity', [x], {}, { outputs: ['y'] })
    g.output({ name: 'y', type: 'double', shape: ['N', 1] })
    const bytes = g.toBytes('future', { onnx: 99, ml: 3, ir: 8 })
    await expect(loadOnnxModel(bytes)).rejects.toThrow(InvalidParameterError)
  })

  it('rejects a graph whose output no node produces', async () => {
    const g = new GraphBuilder()
    g.input({ name: 'x', type: 'double', shape: ['N', 1] })
    g.output({ name: 'missing', type: 'double', shape: ['N', 1] })
    await expect(loadOnnxModel(g.toBytes('broken'))).rejects.toThrow(/missing/)
  })
})
