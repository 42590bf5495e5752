import { InvalidParameterError } from '../../shared/errors.js'
import type { Params, PipelineSpec, StepSpec } from './pipeline-spec.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/
const NAME_RULE = 'letters, digits, _ . - (at most 100), starting with a letter or digit'

/** Checks a pipeline or step name. @throws InvalidParameterError */
export function checkName(what: string, name: string): void {
  if (!NAME.test(name)) throw new InvalidParameterError(`${what} '${name}' must be ${NAME_RULE}`)
  // `runs` and `schedules` are path segments of the HTTP routes.
  if (what === 'Pipeline name' && ['runs', 'schedules', 'triggers'].includes(name))
    throw new InvalidParameterError(`Pipeline name '${name}' is reserved`)
}

/**
 * Checks that steps form a DAG over known steps and declared parameters, and orders them so that
 * every step comes after the steps it needs. @throws InvalidParameterError naming the step
 */
export function checkPipeline(spec: PipelineSpec): PipelineSpec {
  checkName('Pipeline name', spec.name)
  for (const [key, value] of Object.entries(spec.params)) checkParam(key, value)
  if (spec.steps.length === 0)
    throw new InvalidParameterError(`Pipeline '${spec.name}' has no steps`)
  const byName = new Map<string, StepSpec>()
  for (const step of spec.steps) {
    checkName('Step name', step.name)
    if (byName.has(step.name))
      throw new InvalidParameterError(`Step '${step.name}' is defined twice`)
    byName.set(step.name, step)
  }
  for (const step of spec.steps) checkStep(step, byName, spec.params)
  return { ...spec, steps: topologicalOrder(spec.steps, byName) }
}

function checkParam(key: string, value: unknown): void {
  const ok =
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  if (!ok)
    throw new InvalidParameterError(
      `Parameter '${key}' must be a string, a finite number or a boolean, got ${JSON.stringify(value)}`,
    )
}

function checkStep(step: StepSpec, byName: Map<string, StepSpec>, params: Params): void {
  for (const need of step.needs) {
    if (!byName.has(need)) {
      const known = [...byName.keys()].filter((n) => n !== step.name).join(', ') || 'none'
      throw new InvalidParameterError(
        `Step '${step.name}' needs '${need}', which is not a step of this pipeline (steps: ${known})`,
      )
    }
    if (need === step.name) throw new InvalidParameterError(`Step '${step.name}' needs itself`)
  }
  for (const param of step.params) {
    if (!(param in params)) {
      const known = Object.keys(params).join(', ') || 'none'
      throw new InvalidParameterError(
        `Step '${step.name}' reads parameter '${param}', which the pipeline does not declare (parameters: ${known})`,
      )
    }
  }
  const { retries, backoffMs, timeoutMs } = step
  if (!Number.isInteger(retries) || retries < 0 || retries > 100)
    throw new InvalidParameterError(`Step '${step.name}': retries must be an integer from 0 to 100`)
  if (!Number.isFinite(backoffMs) || backoffMs < 0)
    throw new InvalidParameterError(`Step '${step.name}': backoffMs must be at least 0`)
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
    throw new InvalidParameterError(`Step '${step.name}': timeoutMs must be a positive number`)
}

/** Kahn's algorithm; what is left over lies on a cycle, which the error spells out. */
function topologicalOrder(steps: readonly StepSpec[], byName: Map<string, StepSpec>): StepSpec[] {
  const waiting = new Map(steps.map((s) => [s.name, new Set(s.needs)]))
  const order: StepSpec[] = []
  let ready = steps.filter((s) => s.needs.length === 0)
  while (ready.length > 0) {
    order.push(...ready)
    const done = new Set(ready.map((s) => s.name))
    for (const name of done) waiting.delete(name)
    ready = []
    for (const [name, needs] of waiting) {
      for (const d of done) needs.delete(d)
      if (needs.size === 0) ready.push(byName.get(name)!)
    }
  }
  if (waiting.size > 0) {
    const cycle = findCycle(waiting)
    throw new InvalidParameterError(
      `Steps form a cycle: ${cycle.join(' → ')} (step '${cycle[0]}' needs itself through the others)`,
    )
  }
  return order
}

function findCycle(waiting: Map<string, Set<string>>): string[] {
  const start = [...waiting.keys()][0]!
  const path: string[] = []
  const seen = new Map<string, number>()
  let current = start
  // Every leftover step needs another leftover step, so walking its needs must revisit one.
  while (!seen.has(current)) {
    seen.set(current, path.length)
    path.push(current)
    current = [...waiting.get(current)!].find((n) => waiting.has(n))!
  }
  return [...path.slice(seen.get(current)!), current]
}
