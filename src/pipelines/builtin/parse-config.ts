import { z } from 'zod'
import { InvalidParameterError } from '../../shared/errors.js'
import { isArtifactRef, type ArtifactRef } from '../definition/artifact-ref.js'

/** An artifact reference, as an upstream step returned it. */
export const ArtifactRefSchema = z.custom<ArtifactRef>(
  isArtifactRef,
  'must be an artifact reference',
)

/** A value a shell step or parameter can carry. */
export const Scalar = z.union([z.string(), z.number().finite(), z.boolean()])

/**
 * Parses a built-in step's configuration; a bad one is an error naming the step, the kind and
 * each field, with the keys that are allowed. @throws InvalidParameterError
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  config: unknown,
  step: string,
  kind: string,
): z.output<S> {
  const parsed = schema.safeParse(config)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.slice(0, 5).map((issue) => {
    const field = issue.path.length > 0 ? `with.${issue.path.join('.')}` : 'with'
    if (issue.code === 'unrecognized_keys') {
      const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape).join(', ') : ''
      return `${field}: unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} (allowed: ${allowed})`
    }
    return `${field}: ${issue.message}`
  })
  throw new InvalidParameterError(`Step '${step}' (${kind}): ${issues.join('; ')}`)
}
