import { existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { InvalidParameterError } from '../../shared/errors.js'
import { builtinOf, builtins, type AnyBuiltin } from '../builtin/builtins.js'
import { parseConfig } from '../builtin/parse-config.js'
import { canonicalJson } from '../run/digest.js'
import { checkPipeline } from './check-pipeline.js'
import { codeHash } from './code-hash.js'
import { DEFAULT_POLICY, type PipelineSpec, type StepSpec } from './pipeline-spec.js'
import { collectRefs, resolveTemplates } from './template.js'

const Scalar = z.union([z.string(), z.number().finite(), z.boolean()])

const Step = z.strictObject({
  description: z.string().optional(),
  /** A shell command (any language); exclusive with `uses`. */
  run: z.string().min(1).optional(),
  /** A built-in kind; exclusive with `run`. */
  uses: z.string().min(1).optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  needs: z.array(z.string()).default([]),
  params: z.array(z.string()).default([]),
  retries: z.number().int().min(0).max(100).optional(),
  backoffMs: z.number().min(0).optional(),
  timeoutMs: z.number().positive().optional(),
  idempotent: z.boolean().optional(),
  cache: z.boolean().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  files: z.array(z.string()).default([]),
  volatile: z.array(z.string()).default([]),
})
type Step = z.output<typeof Step>

const Pipeline = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  params: z.record(z.string(), Scalar).default({}),
  steps: z.record(z.string(), z.unknown()),
})

/** Turns a zod failure into one sentence naming where in the file it is. */
function fail(where: string, schema: z.ZodObject, error: z.ZodError): never {
  // Unknown keys first: a misspelt key also shows up as the required key it was meant to be.
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0]!
  const field = issue.path.length > 0 ? `'${issue.path.join('.')}'` : ''
  if (issue.code === 'unrecognized_keys') {
    const allowed = Object.keys(schema.shape).join(', ')
    throw new InvalidParameterError(
      `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (allowed: ${allowed})`,
    )
  }
  const message = issue.message.endsWith('received undefined') ? 'is required' : issue.message
  throw new InvalidParameterError(`${where}: ${field} ${message}`.replace(':  ', ': '))
}

/** Files named by the step (script paths in its command, file paths in `with`), for its code hash. */
function filesOf(step: Step, baseDir: string): string[] {
  const words = [
    ...(step.run?.split(/\s+/) ?? []),
    ...Object.values(step.with ?? {}).filter((v) => typeof v === 'string'),
  ]
  const named = words.filter(
    (w) => !w.includes('{{') && /[./]/.test(w) && isFile(resolve(baseDir, w)),
  )
  return [...new Set([...step.files, ...named])]
}

/** `with` values naming files beside the YAML file, made absolute (steps run in any folder). */
function absolutePaths(config: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const isPath = typeof value === 'string' && !value.includes('{{') && /[./]/.test(value)
      return [key, isPath && isFile(resolve(baseDir, value)) ? resolve(baseDir, value) : value]
    }),
  )
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile()
}

/** The step's kind, checked against what it was given. @throws InvalidParameterError */
function kindOf(step: Step, where: string): { kind: string; builtin: AnyBuiltin } {
  const kinds = Object.keys(builtins)
  if ((step.run === undefined) === (step.uses === undefined))
    throw new InvalidParameterError(
      `${where}: give either 'run' (a shell command) or 'uses' (one of ${kinds.filter((k) => k !== 'shell').join(', ')})`,
    )
  if (step.run !== undefined && step.with !== undefined)
    throw new InvalidParameterError(
      `${where}: 'with' goes with 'uses'; a 'run' step takes env, inputs and outputs`,
    )
  if (step.uses !== undefined && (step.env || step.inputs || step.outputs))
    throw new InvalidParameterError(
      `${where}: env, inputs and outputs go with 'run'; a 'uses' step takes 'with'`,
    )
  const kind = step.uses ?? 'shell'
  const builtin = builtinOf(kind)
  if (!builtin)
    throw new InvalidParameterError(`${where}: unknown kind '${kind}' (kinds: ${kinds.join(', ')})`)
  if (step.with && builtin.config instanceof z.ZodObject) {
    const allowed = Object.keys(builtin.config.shape)
    const unknown = Object.keys(step.with).filter((k) => !allowed.includes(k))
    if (unknown.length > 0)
      throw new InvalidParameterError(
        `${where} (${kind}): unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'with.${k}'`).join(', ')} (allowed: ${allowed.join(', ')})`,
      )
  }
  return { kind, builtin }
}

/** What the built-in receives, before templates are filled in. */
function configOf(step: Step, baseDir: string): Record<string, unknown> {
  if (step.run === undefined) return absolutePaths(step.with ?? {}, baseDir)
  return {
    command: step.run,
    cwd: baseDir,
    env: step.env,
    inputs: step.inputs,
    outputs: step.outputs,
  }
}

function stepSpec(name: string, raw: unknown, baseDir: string): StepSpec {
  const where = `Step '${name}'`
  const parsed = Step.safeParse(raw ?? {})
  if (!parsed.success) fail(where, Step, parsed.error)
  const step = parsed.data
  const { kind, builtin } = kindOf(step, where)
  const config = configOf(step, baseDir)
  const refs = collectRefs(config, name)
  const definition = canonicalJson(
    { kind, version: builtin.version, step: { ...step, files: undefined } },
    where,
  )
  return {
    name,
    kind,
    needs: [...new Set([...step.needs, ...refs.steps])],
    params: [...new Set([...step.params, ...refs.params])],
    codeHash: codeHash(
      name,
      [definition, String(step.version ?? '')],
      filesOf(step, baseDir),
      baseDir,
    ),
    volatile: [...builtin.volatile, ...step.volatile],
    retries: step.retries ?? DEFAULT_POLICY.retries,
    backoffMs: step.backoffMs ?? DEFAULT_POLICY.backoffMs,
    timeoutMs: step.timeoutMs,
    idempotent: step.idempotent ?? builtin.idempotent,
    cache: step.cache ?? DEFAULT_POLICY.cache,
    async run(ctx, inputs) {
      const resolved = resolveTemplates(config, { params: ctx.params, steps: inputs }, name)
      return builtin.run(ctx, parseConfig(builtin.config, resolved, name, kind))
    },
  }
}

/**
 * Reads a pipeline from YAML: `name`, `params`, and `steps` each with `run:` (a shell command) or
 * `uses:` (a built-in) plus `with:`. Needs and parameters are read from `{{steps.…}}` and
 * `{{params.…}}` references; commands run in the file's folder.
 * @throws InvalidParameterError naming the step and key for unknown keys, bad values, cycles
 */
export function parsePipelineYaml(text: string, path: string): PipelineSpec {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (err) {
    throw new InvalidParameterError(`${path} is not valid YAML: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const parsed = Pipeline.safeParse(document ?? {})
  if (!parsed.success) fail(path, Pipeline, parsed.error)
  const { name, description, params, steps } = parsed.data
  const baseDir = dirname(resolve(path))
  return checkPipeline({
    name,
    description,
    params,
    steps: Object.entries(steps).map(([stepName, raw]) => stepSpec(stepName, raw, baseDir)),
  })
}
