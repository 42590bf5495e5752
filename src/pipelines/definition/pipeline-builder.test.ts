import { describe, expect, it } from 'vitest'
import { pipeline } from './pipeline-builder.js'

describe('TypeScript pipelines', () => {
  it('orders steps so that each comes after what it needs, and types inputs from outputs', () => {
    const p = pipeline('p', { params: { n: 2 } })
      .step('a', { params: ['n'], run: (ctx) => ({ values: [ctx.params.n] }) })
      .step('b', { needs: ['a'], run: (_ctx, { a }) => ({ first: a.values[0] ?? 0 }) })
      // @ts-expect-error -- 'c' is not a step yet: a missing input is a compile error.
      .step('d', { needs: ['c'], run: () => 1 })
    expect(() => p.spec).toThrow(
      "Step 'd' needs 'c', which is not a step of this pipeline (steps: a, b)",
    )
  })

  it('refuses a step defined twice, and an undeclared parameter', () => {
    const p = pipeline('p', { params: { n: 1 } }).step('a', { run: () => 1 })
    // @ts-expect-error -- a duplicate name is a compile error too.
    expect(() => p.step('a', { run: () => 2 }).spec).toThrow("Step 'a' is defined twice")
    // @ts-expect-error -- so is an undeclared parameter.
    expect(() => p.step('b', { params: ['m'], run: () => 2 }).spec).toThrow(
      "Step 'b' reads parameter 'm', which the pipeline does not declare (parameters: n)",
    )
  })

  it('checks names, parameter values and policies', () => {
    expect(() => pipeline('bad name').step('a', { run: () => 1 }).spec).toThrow(
      "Pipeline name 'bad name' must be letters",
    )
    expect(() => pipeline('runs').step('a', { run: () => 1 }).spec).toThrow(
      "Pipeline name 'runs' is reserved",
    )
    expect(() => pipeline('p', { params: { x: NaN } }).step('a', { run: () => 1 }).spec).toThrow(
      "Parameter 'x' must be a string, a finite number or a boolean, got null",
    )
    expect(() => pipeline('p').step('a', { retries: -1, run: () => 1 }).spec).toThrow(
      "Step 'a': retries must be an integer from 0 to 100",
    )
    expect(() => pipeline('p').spec).toThrow("Pipeline 'p' has no steps")
  })

  it('hashes a step by its source and version', () => {
    const one = pipeline('p').step('a', { run: () => 1 }).spec.steps[0]!
    const same = pipeline('p').step('a', { run: () => 1 }).spec.steps[0]!
    const bumped = pipeline('p').step('a', { version: '2', run: () => 1 }).spec.steps[0]!
    const edited = pipeline('p').step('a', { run: () => 2 }).spec.steps[0]!
    expect(same.codeHash).toBe(one.codeHash)
    expect(bumped.codeHash).not.toBe(one.codeHash)
    expect(edited.codeHash).not.toBe(one.codeHash)
  })
})
