import { pipeline, type PipelineBuilder } from '../../src/pipelines/index.js'

/**
 * 1,000 no-op steps in 10 layers of 100; each step needs two steps of the layer before, so every
 * completion readies work for the scheduler (not one flat fan-out).
 */
export const LAYERS = 10
export const WIDTH = 100

/** The no-op every step runs; the baseline calls it directly. */
export async function noop(): Promise<{ ok: true }> {
  return { ok: true }
}

let builder = pipeline('noop') as unknown as PipelineBuilder<Record<never, never>>
for (let layer = 0; layer < LAYERS; layer++) {
  for (let i = 0; i < WIDTH; i++) {
    const needs = layer === 0 ? [] : [`s${layer - 1}-${i}`, `s${layer - 1}-${(i + 1) % WIDTH}`]
    builder = builder.step(`s${layer}-${i}` as never, {
      needs: needs as never,
      run: noop,
    }) as unknown as PipelineBuilder<Record<never, never>>
  }
}

export default builder
