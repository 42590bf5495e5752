import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import type { ModelSignature } from './signature.js'
import { fromMlflowSignature, toMlflowSignature } from './signature.js'

const signature: ModelSignature = {
  inputs: [
    { name: 'x', type: 'double' },
    { name: 'city', type: 'string', required: false },
  ],
  outputs: [{ name: 'image', type: 'tensor', dtype: 'float32', shape: [-1, 28, 28] }],
}

describe('MLflow signatures', () => {
  it('writes MLflow JSON strings', () => {
    expect(toMlflowSignature(signature)).toEqual({
      inputs:
        '[{"type":"double","name":"x","required":true},' +
        '{"type":"string","name":"city","required":false}]',
      outputs:
        '[{"type":"tensor","tensor-spec":{"dtype":"float32","shape":[-1,28,28]},"name":"image"}]',
    })
  })

  it('reads back what it writes', () => {
    const back = fromMlflowSignature(toMlflowSignature(signature))
    expect(back).toEqual({
      inputs: [{ name: 'x', type: 'double' }, ...signature.inputs.slice(1)],
      outputs: signature.outputs,
    })
  })

  it('reads numpy string dtypes and a missing outputs entry', () => {
    const inputs =
      '[{"type": "tensor", "tensor-spec": {"dtype": "<U0", "shape": [-1]}, "name": "t"}]'
    expect(fromMlflowSignature({ inputs, outputs: null })).toEqual({
      inputs: [{ name: 't', type: 'tensor', dtype: 'str', shape: [-1] }],
      outputs: [],
    })
  })

  it.each([
    ['invalid JSON', '[{', /not valid JSON/],
    ['not an array', '{"name": "x"}', /JSON array/],
    ['no name', '[{"type": "double"}]', /inputs\[0\] has no name/],
    ['unknown type', '[{"type": "decimal", "name": "x"}]', /"decimal"; allowed: tensor, boolean/],
    [
      'bad dtype',
      '[{"type": "tensor", "name": "t", "tensor-spec": {"dtype": "q", "shape": [1]}}]',
      /dtype "q"/,
    ],
    [
      'bad shape',
      '[{"type": "tensor", "name": "t", "tensor-spec": {"dtype": "bool", "shape": [-2]}}]',
      /shape/,
    ],
    [
      'mixed specs',
      '[{"type": "double", "name": "x"}, {"type": "tensor", "name": "t", "tensor-spec": {"dtype": "bool", "shape": [-1]}}]',
      /mix column and tensor specs/,
    ],
  ])('rejects %s', (_name, inputs, message) => {
    expect(() => fromMlflowSignature({ inputs })).toThrow(InvalidParameterError)
    expect(() => fromMlflowSignature({ inputs })).toThrow(message)
  })
})
