import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidParameterError } from '../../shared/errors.js'
import { sha256 } from '../run/digest.js'

/**
 * The hash of what a step does: its source text, an optional version the author bumps, and the
 * contents of files it runs (scripts), so that editing a script invalidates the cache.
 */
export function codeHash(
  step: string,
  parts: readonly string[],
  files: readonly string[] = [],
  baseDir = process.cwd(),
): string {
  const contents = files.map((file) => {
    try {
      return `${file}\n${sha256(readFileSync(resolve(baseDir, file)))}`
    } catch (err) {
      throw new InvalidParameterError(
        `Step '${step}': cannot read file '${file}' for its code hash (${(err as Error).message})`,
        { cause: err },
      )
    }
  })
  return sha256([...parts, ...contents].join('\n\u0000'))
}
