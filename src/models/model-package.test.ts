import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readModelPackage, writeModelPackage, type PackageFiles } from './model-package.js'
import type { ModelSignature } from './signature.js'

const signature: ModelSignature = {
  inputs: [{ name: 'x', type: 'double' }],
  outputs: [{ name: 'variable', type: 'tensor', dtype: 'float64', shape: [-1, 1] }],
}

function folder(files: Map<string, Uint8Array>): PackageFiles {
  return {
    list: async () => [...files.keys()],
    read: async (name) => files.get(name)!,
  }
}

const text = (value: string) => new TextEncoder().encode(value)

describe('model package', () => {
  it('writes MLflow’s layout plus a manifest, and reads it back', async () => {
    const files = writeModelPackage({
      onnx: new Uint8Array([1, 2, 3]),
      signature,
      inputExample: [{ x: 1.5 }, { x: 2 }],
      runId: 'r1',
      target: 'y',
      datasets: [{ name: 'churn', digest: 'abc' }],
      metrics: { rmse: 0.5 },
      createdAtMs: Date.UTC(2026, 0, 2, 3, 4, 5),
    })
    expect([...files.keys()].sort()).toEqual([
      'MLmodel',
      'input_example.json',
      'lathe.json',
      'model.onnx',
    ])
    const mlmodel = parse(new TextDecoder().decode(files.get('MLmodel'))) as Record<string, unknown>
    expect(mlmodel).toMatchObject({
      flavors: { onnx: { data: 'model.onnx' }, python_function: { loader_module: 'mlflow.onnx' } },
      run_id: 'r1',
      signature: { inputs: '[{"type":"double","name":"x","required":true}]' },
      saved_input_example_info: { artifact_path: 'input_example.json', pandas_orient: 'split' },
      utc_time_created: '2026-01-02 03:04:05.000',
    })
    expect(await readModelPackage(folder(files), 'm')).toEqual({
      onnx: new Uint8Array([1, 2, 3]),
      signature: { inputs: [{ name: 'x', type: 'double' }], outputs: signature.outputs },
      inputExample: { columns: ['x'], data: [[1.5], [2]] },
      manifest: {
        formatVersion: 1,
        flavor: 'onnx',
        modelFile: 'model.onnx',
        runId: 'r1',
        target: 'y',
        datasets: [{ name: 'churn', digest: 'abc' }],
        metrics: { rmse: 0.5 },
      },
    })
  })

  it('reads a bare folder: one .onnx file and signature.json', async () => {
    const files = new Map([
      ['exported.onnx', new Uint8Array([9])],
      ['signature.json', text(JSON.stringify({ inputs: [{ name: 'x', type: 'double' }] }))],
    ])
    expect(await readModelPackage(folder(files), 'm')).toEqual({
      onnx: new Uint8Array([9]),
      signature: { inputs: [{ name: 'x', type: 'double' }], outputs: [] },
      inputExample: undefined,
      manifest: undefined,
    })
  })

  it('names the file at fault', async () => {
    const none = folder(new Map([['README', text('hi')]]))
    await expect(readModelPackage(none, 'm')).rejects.toThrow('m holds no .onnx files')
    const bad = folder(
      new Map([
        ['a.onnx', new Uint8Array()],
        ['signature.json', text('{')],
      ]),
    )
    await expect(readModelPackage(bad, 'm')).rejects.toThrow('m/signature.json is not valid JSON')
    const wrong = folder(
      new Map([
        ['a.onnx', new Uint8Array()],
        ['signature.json', text('{"inputs": 3}')],
      ]),
    )
    await expect(readModelPackage(wrong, 'm')).rejects.toThrow(
      'm/signature.json: Signature inputs must be a JSON array',
    )
  })
})
