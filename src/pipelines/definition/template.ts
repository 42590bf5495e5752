import { InvalidParameterError } from '../../shared/errors.js'

/** `{{ params.x }}`, `{{ steps.a.outputs.b.c }}`; other roots (`inputs`, `outputs`) are left alone. */
const REFERENCE = /\{\{\s*([\w.-]+)\s*\}\}/g

/** What a template refers to: the parameters and steps it reads. */
export interface TemplateRefs {
  readonly params: Set<string>
  readonly steps: Set<string>
}

/** Collects the parameters and steps that templates anywhere in `value` refer to. */
export function collectRefs(
  value: unknown,
  step: string,
  refs: TemplateRefs = { params: new Set(), steps: new Set() },
): TemplateRefs {
  if (typeof value === 'string') {
    for (const [, expression] of value.matchAll(REFERENCE)) {
      const parts = expression!.split('.')
      if (parts[0] === 'params' && parts.length === 2) refs.params.add(parts[1]!)
      else if (parts[0] === 'steps' && parts[2] === 'outputs' && parts.length >= 3)
        refs.steps.add(parts[1]!)
      else if (parts[0] !== 'inputs' && parts[0] !== 'outputs')
        throw new InvalidParameterError(
          `Step '${step}': '{{${expression}}}' is not a reference; use {{params.NAME}}, {{steps.STEP.outputs.NAME}}, {{inputs.NAME}} or {{outputs.dir}}`,
        )
    }
  } else if (Array.isArray(value)) for (const v of value) collectRefs(v, step, refs)
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) collectRefs(v, step, refs)
  return refs
}

function lookup(
  expression: string,
  scope: { params: Record<string, unknown>; steps: Record<string, unknown> },
  step: string,
): unknown {
  const [root, name, ...rest] = expression.split('.')
  if (root === 'params') return scope.params[name!]
  let value = scope.steps[name!]
  const path = rest.slice(1)
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) {
      const at = `steps.${name}.outputs${path
        .slice(0, i)
        .map((p) => `.${p}`)
        .join('')}`
      const known =
        value && typeof value === 'object'
          ? Object.keys(value).join(', ') || 'none'
          : 'none: it is not an object'
      throw new InvalidParameterError(
        `Step '${step}': {{${expression}}} is missing: ${at} has no '${key}' (it has: ${known})`,
      )
    }
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/**
 * Replaces parameter and step-output references in `value`. A string that is one reference
 * becomes the referenced value as is (a number, an artifact reference); references inside longer
 * strings become text. @throws InvalidParameterError naming a missing output
 */
export function resolveTemplates(
  value: unknown,
  scope: { params: Record<string, unknown>; steps: Record<string, unknown> },
  step: string,
): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*((?:params|steps)\.[\w.-]+)\s*\}\}$/.exec(value)
    if (whole) return lookup(whole[1]!, scope, step)
    return value.replace(REFERENCE, (match, expression: string) => {
      if (!/^(params|steps)\./.test(expression)) return match
      const found = lookup(expression, scope, step)
      return typeof found === 'object' && found !== null ? JSON.stringify(found) : String(found)
    })
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, scope, step))
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, scope, step)]),
    )
  return value
}
