import type { z } from 'zod'
import type { BuiltinKind } from '../definition/builtin-kind.js'
import { validateStep, versionDatasetStep } from './dataset-steps.js'
import { aliasStep, gatesStep, registerStep, trainStep } from './model-steps.js'
import { shellStep } from './shell-step.js'

/** Every built-in step kind by name: the names YAML's `uses:` and `.use()` take. */
export const builtins = {
  shell: shellStep,
  'dataset.version': versionDatasetStep,
  'contract.validate': validateStep,
  'model.train': trainStep,
  'model.register': registerStep,
  'gates.evaluate': gatesStep,
  'alias.set': aliasStep,
} as const

/** A built-in step kind's name. */
export type BuiltinName = keyof typeof builtins
/** The configuration a built-in kind takes (`with:`), defaults optional. */
export type BuiltinConfig<B extends BuiltinName> = z.input<(typeof builtins)[B]['config']>
/** What a built-in kind outputs. */
export type BuiltinOutput<B extends BuiltinName> = Awaited<ReturnType<(typeof builtins)[B]['run']>>

/** Any built-in, as the executors call it. */
export type AnyBuiltin = BuiltinKind<z.ZodType, unknown>

/** The built-in with this name, or undefined. */
export function builtinOf(name: string): AnyBuiltin | undefined {
  return Object.hasOwn(builtins, name) ? (builtins[name as BuiltinName] as AnyBuiltin) : undefined
}
