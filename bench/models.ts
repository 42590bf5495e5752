/**
 * Built-in model latency (imports only the public surface of src/models):
 * single-row and 1,000-row inference through onnxruntime (runModel) against the trainer's
 * in-memory JS predict, for GBDT (100 trees, depth 6) and logistic regression; GBDT training
 * time on 100,000 × 20 rows.
 */
import type { Frame } from '../src/models/index.js'
import { percentile, printFigures, type Figure } from './support/report.js'
import {
  loadOnnxModel,
  runModel,
  trainGradientBoostingClassifier,
  trainLogisticRegression,
} from '../src/models/index.js'

const ROWS = 100_000
const FEATURES = 20

function makeData(): Frame {
  let state = 12345
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296
  const frame: Record<string, Float64Array> = {}
  for (let f = 0; f < FEATURES; f++)
    frame[`f${f}`] = Float64Array.from({ length: ROWS }, () => random() * 2 - 1)
  frame.y = Float64Array.from({ length: ROWS }, (_, i) => {
    let s = 0
    for (let f = 0; f < 5; f++) s += (frame[`f${f}`]?.[i] ?? 0) * (f + 1) * (f % 2 ? -1 : 1)
    return s + (random() - 0.5) * 2 > 0 ? 1 : 0
  })
  return frame
}

function slice(frame: Frame, start: number, count: number): Frame {
  const out: Record<string, Float64Array> = {}
  for (const [k, v] of Object.entries(frame))
    out[k] = (v as Float64Array).slice(start, start + count)
  return out
}

async function time(runs: number, fn: () => unknown): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(200, runs); i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) }
}

const data = makeData()
const features = Array.from({ length: FEATURES }, (_, f) => `f${f}`)
let start = performance.now()
const cpu = process.cpuUsage()
const gbdt = trainGradientBoostingClassifier(data, {
  target: 'y',
  features,
  maxIterations: 100,
  maxDepth: 6,
  maxLeafNodes: 64,
  validationFraction: 0,
})
console.log(
  `GBDT training 100k x 20, ${gbdt.params.trees} trees depth<=6: ${((performance.now() - start) / 1000).toFixed(2)} s wall, ${(process.cpuUsage(cpu).user / 1e6).toFixed(2)} s cpu`,
)
start = performance.now()
const logistic = trainLogisticRegression(data, { target: 'y', features })
console.log(
  `logistic training 100k x 20: ${((performance.now() - start) / 1000).toFixed(2)} s, ${logistic.params.iterations} L-BFGS iterations`,
)

const figures: Figure[] = []
for (const [name, model] of [
  ['GBDT (100 trees)', gbdt],
  ['logistic', logistic],
] as const) {
  const onnx = await loadOnnxModel(model.toOnnx())
  for (const [label, rows, runs] of [
    ['1 row', 1, 2000],
    ['1,000 rows', 1000, 200],
  ] as const) {
    const input = slice(data, 5000, rows)
    const ort = await time(runs, () => runModel(onnx, input))
    const js = await time(runs, () => model.predictProba(input))
    figures.push({
      name: `${name}, ${label}, ONNX runtime p50`,
      value: ort.p50,
      unit: 'ms',
      baseline: { name: 'JS predict p50', value: js.p50 },
    })
    figures.push({
      name: `${name}, ${label}, ONNX runtime p99`,
      value: ort.p99,
      unit: 'ms',
      baseline: { name: 'JS predict p99', value: js.p99 },
    })
  }
}
printFigures('models benchmark (ratio = ONNX runtime / in-memory JS predict)', figures)
