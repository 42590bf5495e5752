/** Writes the gradient at `x` into `gradient` and returns the objective value. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number

/** Options of `minimiseLbfgs`. */
interface LbfgsOptions {
  /** Iteration limit. */
  readonly maxIterations: number
  /** Stop when the largest gradient component falls below this. */
  readonly tolerance: number
  /** Number of correction pairs kept. Default 10. */
  readonly memory?: number
  /** Called after each iteration with the current point and value. */
  readonly onIteration?: (iteration: number, x: Float64Array, value: number) => void
}

/** Where `minimiseLbfgs` stopped. */
interface LbfgsResult {
  /** The minimiser found. */
  readonly x: Float64Array
  /** Objective value at `x`. */
  readonly value: number
  /** Iterations run. */
  readonly iterations: number
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0)
  return sum
}

function maxAbs(a: Float64Array): number {
  let max = 0
  for (const v of a) max = Math.max(max, Math.abs(v))
  return max
}

/** The L-BFGS two-loop recursion: the search direction -H·g. */
function direction(gradient: Float64Array, s: Float64Array[], y: Float64Array[]): Float64Array {
  const q = Float64Array.from(gradient)
  const alphas: number[] = []
  for (let j = s.length - 1; j >= 0; j--) {
    const sj = s[j] as Float64Array
    const yj = y[j] as Float64Array
    const alpha = dot(sj, q) / dot(yj, sj)
    alphas[j] = alpha
    for (let i = 0; i < q.length; i++) q[i] = (q[i] ?? 0) - alpha * (yj[i] ?? 0)
  }
  const last = s.length - 1
  const gamma =
    last >= 0
      ? dot(s[last] as Float64Array, y[last] as Float64Array) /
        dot(y[last] as Float64Array, y[last] as Float64Array)
      : 1
  for (let i = 0; i < q.length; i++) q[i] = (q[i] ?? 0) * gamma
  for (let j = 0; j < s.length; j++) {
    const sj = s[j] as Float64Array
    const yj = y[j] as Float64Array
    const beta = dot(yj, q) / dot(yj, sj)
    for (let i = 0; i < q.length; i++) q[i] = (q[i] ?? 0) + ((alphas[j] ?? 0) - beta) * (sj[i] ?? 0)
  }
  return q.map((v) => -v)
}

interface Point {
  readonly x: Float64Array
  readonly gradient: Float64Array
  readonly value: number
}

/** Halves the step until the Armijo condition holds (at most 40 times). */
function lineSearch(objective: Objective, from: Point, step: Float64Array, rate: number): Point {
  const slope = dot(step, from.gradient)
  const x = new Float64Array(from.x.length)
  const gradient = new Float64Array(from.x.length)
  let value = Infinity
  for (let trial = 0; trial < 40; trial++) {
    for (let i = 0; i < x.length; i++) x[i] = (from.x[i] ?? 0) + rate * (step[i] ?? 0)
    value = objective(x, gradient)
    if (value <= from.value + 1e-4 * rate * slope) break
    rate /= 2
  }
  return { x, gradient, value }
}

/**
 * Minimises a smooth function with L-BFGS and a backtracking (Armijo) line search. Deterministic:
 * no randomness, fixed evaluation order. Stops at the iteration limit, when the gradient is below
 * the tolerance, or when a step no longer lowers the value.
 */
export function minimiseLbfgs(
  objective: Objective,
  start: Float64Array,
  options: LbfgsOptions,
): LbfgsResult {
  const gradient = new Float64Array(start.length)
  let point: Point = { x: Float64Array.from(start), gradient, value: objective(start, gradient) }
  const s: Float64Array[] = []
  const y: Float64Array[] = []
  let iteration = 0
  while (iteration < options.maxIterations && maxAbs(point.gradient) > options.tolerance) {
    const step = direction(point.gradient, s, y)
    if (!(dot(step, point.gradient) < 0)) break
    // The first direction is the raw gradient: scale it so that the first trial moves by ~1.
    const rate = s.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(point.gradient), 1e-12)) : 1
    const next = lineSearch(objective, point, step, rate)
    if (!(next.value < point.value)) break
    const sNew = next.x.map((v, i) => v - (point.x[i] ?? 0))
    const yNew = next.gradient.map((v, i) => v - (point.gradient[i] ?? 0))
    // Keep only pairs with positive curvature, which keeps the implied Hessian positive definite.
    if (dot(sNew, yNew) > 1e-12) {
      s.push(sNew)
      y.push(yNew)
      if (s.length > (options.memory ?? 10)) {
        s.shift()
        y.shift()
      }
    }
    const improvement = point.value - next.value
    point = next
    iteration += 1
    options.onIteration?.(iteration, point.x, point.value)
    if (improvement <= 1e-15 * Math.max(1, Math.abs(point.value))) break
  }
  return { x: point.x, value: point.value, iterations: iteration }
}
