import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { ContractBody, type Contract } from './contract.js'

/** Anything with a `build()` that returns a contract (the TypeScript builder). */
interface Buildable {
  build(): Contract
}

/**
 * Checks a contract written as data (parsed YAML/JSON, an HTTP body, a builder's output).
 * @throws InvalidParameterError listing every problem by field, columns by name.
 */
export function parseContract(input: unknown, source = 'The contract'): Contract {
  const parsed = ContractBody.safeParse(input)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues
    .slice(0, 10)
    .map((i) => `${fieldPath(input, i)}: ${i.message}`)
  throw new InvalidParameterError(`${source} is invalid: ${problems.join('; ')}`)
}

/** Parses contract text: JSON when the name ends in .json, YAML (a superset of JSON) otherwise. */
export function parseContractText(text: string, fileName: string): Contract {
  let data: unknown
  try {
    data = fileName.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new InvalidParameterError(
      `Contract '${fileName}' is not valid YAML/JSON: ${(err as Error).message}`,
    )
  }
  return parseContract(data, `Contract '${fileName}'`)
}

/**
 * Loads a contract file: YAML or JSON, or a module (.ts under tsx, .js, .mjs) whose default
 * export (or export `contract`) is a contract or a builder.
 */
export async function loadContractFile(path: string): Promise<Contract> {
  const extension = extname(path).toLowerCase()
  if (['.ts', '.mts', '.js', '.mjs'].includes(extension)) return importContract(path)
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new NotFoundError(`No contract file at '${path}'`)
    throw err
  })
  return parseContractText(text, path)
}

async function importContract(path: string): Promise<Contract> {
  let module: Record<string, unknown>
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>
  } catch (err) {
    throw new InvalidParameterError(
      `Cannot load contract module '${path}': ${(err as Error).message}`,
    )
  }
  const value = module.default ?? module.contract
  const body = isBuildable(value) ? value.build() : value
  return parseContract(body, `Contract module '${path}'`)
}

function isBuildable(value: unknown): value is Buildable {
  return (
    typeof value === 'object' && value !== null && typeof (value as Buildable).build === 'function'
  )
}

/** `columns.amount.type` rather than `columns.3.type`: people know their columns by name. */
function fieldPath(input: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String)
  if (path[0] === 'columns' && path.length > 1) {
    const columns = (input as { columns?: unknown } | null)?.columns
    const index = Number(path[1])
    if (Array.isArray(columns)) {
      const name = (columns[index] as { name?: unknown } | undefined)?.name
      if (typeof name === 'string') path[1] = name
    } else if (columns && typeof columns === 'object') {
      path[1] = Object.keys(columns)[index] ?? path[1] ?? ''
    }
  }
  return path.length > 0 ? path.join('.') : 'contract'
}
