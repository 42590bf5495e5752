import { describe, expect, it } from 'vitest'
import { parsePipelineYaml } from './yaml-pipeline.js'

function parse(text: string) {
  return () => parsePipelineYaml(text, '/work/p/pipeline.yaml')
}

describe('YAML pipelines', () => {
  it('reads needs and parameters from references', () => {
    const spec = parsePipelineYaml(
      `name: p
params: { rows: 10, l2: 0.1 }
steps:
  make:
    run: echo {{params.rows}} > {{outputs.dir}}/x.csv
    outputs: { data: x.csv }
  version:
    uses: dataset.version
    with: { name: d, file: '{{steps.make.outputs.data}}' }
  train:
    uses: model.train
    needs: [version]
    with: { dataset: d, trainer: logistic_regression, target: y, options: { l2: '{{params.l2}}' } }
`,
      '/work/p/pipeline.yaml',
    )
    expect(spec.steps.map((s) => [s.name, s.kind, s.needs, s.params])).toEqual([
      ['make', 'shell', [], ['rows']],
      ['version', 'dataset.version', ['make'], []],
      ['train', 'model.train', ['version'], ['l2']],
    ])
  })

  it('names an unknown top-level key and lists the allowed ones', () => {
    expect(parse('nmae: p\nsteps: {}')).toThrow(
      "/work/p/pipeline.yaml: unknown key 'nmae' (allowed: name, description, params, steps)",
    )
  })

  it('names the step with an unknown key', () => {
    expect(parse('name: p\nsteps:\n  train:\n    run: echo\n    retry: 2')).toThrow(
      /^Step 'train': unknown key 'retry' \(allowed: description, run, uses, with, env, inputs, outputs, needs, params, retries/,
    )
  })

  it("names the step with an unknown key in a built-in's configuration", () => {
    expect(
      parse(
        'name: p\nsteps:\n  train:\n    uses: model.train\n    with: { dataset: d, trainr: x }',
      ),
    ).toThrow(
      /^Step 'train' \(model\.train\): unknown key 'with\.trainr' \(allowed: dataset, trainer, target/,
    )
  })

  it('names the step that refers to a missing step', () => {
    expect(
      parse(
        "name: p\nsteps:\n  a:\n    run: echo\n  b:\n    uses: dataset.version\n    with: { name: d, file: '{{steps.nope.outputs.data}}' }",
      ),
    ).toThrow("Step 'b' needs 'nope', which is not a step of this pipeline (steps: a)")
  })

  it('finds a cycle and spells it out', () => {
    expect(
      parse(
        'name: p\nsteps:\n  a:\n    run: echo\n    needs: [c]\n  b:\n    run: echo\n    needs: [a]\n  c:\n    run: echo\n    needs: [b]',
      ),
    ).toThrow("Steps form a cycle: a → c → b → a (step 'a' needs itself through the others)")
  })

  it('refuses an unknown kind, naming the kinds there are', () => {
    expect(parse('name: p\nsteps:\n  a:\n    uses: model.tran')).toThrow(
      "Step 'a': unknown kind 'model.tran' (kinds: shell, dataset.version, contract.validate, model.train, model.register, gates.evaluate, alias.set)",
    )
  })

  it('refuses a step with neither or both of run and uses', () => {
    expect(parse('name: p\nsteps:\n  a: {}')).toThrow("Step 'a': give either 'run'")
    expect(parse('name: p\nsteps:\n  a: { run: echo, uses: shell }')).toThrow(
      "Step 'a': give either 'run'",
    )
  })

  it('refuses a parameter that is not declared', () => {
    expect(parse('name: p\nsteps:\n  a:\n    run: echo {{params.rows}}')).toThrow(
      "Step 'a' reads parameter 'rows', which the pipeline does not declare (parameters: none)",
    )
  })

  it('refuses a reference that is not one', () => {
    expect(parse('name: p\nsteps:\n  a:\n    run: echo {{rows}}')).toThrow(
      "Step 'a': '{{rows}}' is not a reference",
    )
  })

  it('says where YAML syntax breaks', () => {
    expect(parse('name: p\nsteps: [')).toThrow(/^\/work\/p\/pipeline\.yaml is not valid YAML/)
  })

  it('changes the code hash of the step whose command changed, only', () => {
    const base =
      'name: p\nsteps:\n  a:\n    run: echo one\n  b:\n    run: echo two\n    needs: [a]\n'
    const before = parsePipelineYaml(base, '/work/p/pipeline.yaml').steps
    const after = parsePipelineYaml(
      base.replace('echo two', 'echo 2'),
      '/work/p/pipeline.yaml',
    ).steps
    expect(after[0]!.codeHash).toBe(before[0]!.codeHash)
    expect(after[1]!.codeHash).not.toBe(before[1]!.codeHash)
  })
})
