import { InvalidParameterError } from '../../shared/errors.js'
import {
  builtinOf,
  type BuiltinConfig,
  type BuiltinName,
  type BuiltinOutput,
} from '../builtin/builtins.js'
import { parseConfig } from '../builtin/parse-config.js'
import { checkPipeline } from './check-pipeline.js'
import { codeHash } from './code-hash.js'
import {
  DEFAULT_POLICY,
  type Params,
  type PipelineSpec,
  type StepPolicy,
  type StepSpec,
} from './pipeline-spec.js'
import type { StepContext } from './step-context.js'

type Inputs<O, N extends readonly (keyof O)[]> = { readonly [X in N[number]]: O[X] }
type NewName<S extends string, O> = S extends keyof O ? never : S

/** Options of every step: what it needs, which parameters it reads, how it is retried. */
export interface StepOptions<
  P extends Params,
  O,
  N extends readonly (keyof O & string)[],
  K extends readonly (keyof P & string)[],
> extends Partial<StepPolicy> {
  /** Upstream steps whose outputs it receives. */
  readonly needs?: N
  /** Parameters it reads; only these reach `ctx.params` and its cache key. */
  readonly params?: K
  /** Bump to invalidate cached results when something outside the source changed. */
  readonly version?: string
  /** Files (scripts, configs) whose contents go into the code hash, relative to `baseDir`. */
  readonly files?: readonly string[]
  /** Output keys left out of rerun comparisons (ids that differ every time). */
  readonly volatile?: readonly string[]
}

/**
 * A pipeline defined in TypeScript. Each `.step` adds a step whose output type joins the
 * builder's type, so a later step's `inputs` are typed by the steps it `needs`.
 */
export class PipelineBuilder<
  P extends Params,
  O extends Record<string, unknown> = Record<never, never>,
> {
  readonly #steps: StepSpec[]

  constructor(
    readonly name: string,
    readonly params: P,
    readonly options: { readonly description?: string; readonly baseDir?: string } = {},
    steps: StepSpec[] = [],
  ) {
    this.#steps = steps
  }

  /** Adds a step that runs `run(ctx, inputs)`; its return value (JSON) is its output. */
  step<
    const S extends string,
    R,
    const N extends readonly (keyof O & string)[] = [],
    const K extends readonly (keyof P & string)[] = [],
  >(
    name: NewName<S, O>,
    options: StepOptions<P, O, N, K> & {
      readonly run: (ctx: StepContext<Pick<P, K[number]>>, inputs: Inputs<O, N>) => R | Promise<R>
    },
  ): PipelineBuilder<P, O & { readonly [X in S]: Awaited<R> }> {
    const { run, version = '' } = options
    const hash = codeHash(
      name,
      ['function', run.toString(), version],
      options.files,
      this.options.baseDir,
    )
    return this.#with(name, options, {
      kind: 'function',
      codeHash: hash,
      volatile: options.volatile ?? [],
      idempotent: options.idempotent ?? true,
      run: async (ctx, inputs) =>
        run(ctx as StepContext<Pick<P, K[number]>>, inputs as Inputs<O, N>),
    })
  }

  /**
   * Adds a built-in step (`shell`, `dataset.version`, `contract.validate`, `model.train`,
   * `model.register`, `gates.evaluate`, `alias.set`) configured from its inputs and parameters.
   */
  use<
    const S extends string,
    B extends BuiltinName,
    const N extends readonly (keyof O & string)[] = [],
    const K extends readonly (keyof P & string)[] = [],
  >(
    name: NewName<S, O>,
    kind: B,
    options: StepOptions<P, O, N, K> & {
      readonly with: (inputs: Inputs<O, N>, params: Pick<P, K[number]>) => BuiltinConfig<B>
    },
  ): PipelineBuilder<P, O & { readonly [X in S]: BuiltinOutput<B> }> {
    const builtin = builtinOf(kind)
    if (!builtin) throw new InvalidParameterError(`Step '${name}': unknown kind '${String(kind)}'`)
    const configure = options.with
    const parts = [
      `builtin:${builtin.kind}@${builtin.version}`,
      configure.toString(),
      options.version ?? '',
    ]
    return this.#with(name, options, {
      kind: builtin.kind,
      codeHash: codeHash(name, parts, options.files, this.options.baseDir),
      volatile: [...builtin.volatile, ...(options.volatile ?? [])],
      idempotent: options.idempotent ?? builtin.idempotent,
      run: async (ctx, inputs) => {
        const config = configure(inputs as Inputs<O, N>, ctx.params as Pick<P, K[number]>)
        return builtin.run(ctx, parseConfig(builtin.config, config, name, builtin.kind))
      },
    })
  }

  /** The checked pipeline. @throws InvalidParameterError for a cycle, unknown step or param */
  get spec(): PipelineSpec {
    return checkPipeline({
      name: this.name,
      description: this.options.description,
      params: this.params,
      steps: this.#steps,
    })
  }

  #with<R extends Record<string, unknown>>(
    name: string,
    options: Partial<StepPolicy> & {
      readonly needs?: readonly string[]
      readonly params?: readonly string[]
    },
    step: Pick<StepSpec, 'kind' | 'codeHash' | 'volatile' | 'idempotent' | 'run'>,
  ): PipelineBuilder<P, R> {
    const spec: StepSpec = {
      ...DEFAULT_POLICY,
      retries: options.retries ?? DEFAULT_POLICY.retries,
      backoffMs: options.backoffMs ?? DEFAULT_POLICY.backoffMs,
      timeoutMs: options.timeoutMs,
      cache: options.cache ?? DEFAULT_POLICY.cache,
      name,
      needs: [...(options.needs ?? [])],
      params: [...(options.params ?? [])],
      ...step,
    }
    return new PipelineBuilder<P, R>(this.name, this.params, this.options, [...this.#steps, spec])
  }
}

/**
 * Starts a pipeline in TypeScript: `pipeline('churn', { params: { l2: 1e-4 } }).step(…)`. Export
 * it (default or `pipeline`) from a module, and `lathe pipelines run path/to/module.ts` runs it.
 */
export function pipeline<P extends Params = Record<never, never>>(
  name: string,
  options: { readonly params?: P; readonly description?: string; readonly baseDir?: string } = {},
): PipelineBuilder<P> {
  return new PipelineBuilder<P>(name, (options.params ?? {}) as P, {
    description: options.description,
    baseDir: options.baseDir,
  })
}
