import { readFile, stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { InvalidParameterError, NotFoundError } from '../../shared/errors.js'
import { checkPipeline } from './check-pipeline.js'
import type { PipelineSpec } from './pipeline-spec.js'
import { parsePipelineYaml } from './yaml-pipeline.js'

const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs']

/** True for a path Lathe can load a pipeline from. */
export function isPipelineFile(path: string): boolean {
  return ['.yaml', '.yml', ...MODULE_EXTENSIONS].includes(extname(path))
}

let tsxRegistered = false

/** Imports a module; `.ts` outside tsx registers tsx's loader once, when it is installed. */
async function importModule(path: string, version: number): Promise<Record<string, unknown>> {
  // The query makes a worker load an edited file afresh instead of its cached first version.
  const url = `${pathToFileURL(path).href}?v=${Math.round(version)}`
  try {
    return (await import(url)) as Record<string, unknown>
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || tsxRegistered) throw err
    const api = await import('tsx/esm/api').catch(() => undefined)
    if (!api)
      throw new InvalidParameterError(
        `Cannot load ${path}: TypeScript pipelines need tsx installed, or compile them to .js`,
      )
    api.register()
    tsxRegistered = true
    return (await import(url)) as Record<string, unknown>
  }
}

function specOf(value: unknown): PipelineSpec | undefined {
  if (!value || typeof value !== 'object') return undefined
  const candidate = value as { spec?: unknown; steps?: unknown }
  if (candidate.spec && typeof candidate.spec === 'object') return candidate.spec as PipelineSpec
  if (Array.isArray(candidate.steps)) return checkPipeline(value as PipelineSpec)
  return undefined
}

/**
 * Loads the pipeline a file defines: YAML, or a module whose default (or `pipeline`) export is a
 * `pipeline(…)` builder. @throws NotFoundError, InvalidParameterError naming what is wrong
 */
export async function loadPipeline(path: string): Promise<PipelineSpec> {
  const absolute = resolve(path)
  const info = await stat(absolute).catch(() => undefined)
  if (!info?.isFile()) throw new NotFoundError(`No pipeline file at '${absolute}'`)
  const extension = extname(absolute)
  if (extension === '.yaml' || extension === '.yml')
    return parsePipelineYaml(await readFile(absolute, 'utf8'), absolute)
  if (!MODULE_EXTENSIONS.includes(extension))
    throw new InvalidParameterError(
      `'${absolute}' is not a pipeline file: use .yaml, .yml, .ts, .mts, .js or .mjs`,
    )
  let module: Record<string, unknown>
  try {
    module = await importModule(absolute, info.mtimeMs)
  } catch (err) {
    if (err instanceof InvalidParameterError) throw err
    throw new InvalidParameterError(`Cannot load ${absolute}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const spec = specOf(module.default) ?? specOf(module.pipeline)
  if (!spec)
    throw new InvalidParameterError(
      `${absolute} must export a pipeline (default export or 'pipeline'), built with pipeline(…)`,
    )
  return spec
}
