import { createHash } from 'node:crypto'

/** sha256 of text or bytes, hex. */
export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex')
}

/**
 * JSON with object keys sorted, so equal values hash equally. @throws TypeError naming the path
 * of anything JSON cannot hold exactly (undefined, NaN, functions, class instances, bigint).
 */
export function canonicalJson(value: unknown, path = 'outputs'): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean')
    return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path} is ${value}, which JSON cannot hold`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value))
    return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`
  if (typeof value === 'object' && isPlain(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(',')}}`
  }
  const what =
    value === undefined
      ? 'undefined'
      : typeof value === 'object'
        ? 'an object of a class'
        : `a ${typeof value}`
  throw new TypeError(
    `${path} is ${what}; outputs must be plain JSON (use ctx.writeArtifact for bytes)`,
  )
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * Outputs as canonical JSON, the digest downstream cache keys use, and the one reruns compare
 * (volatile keys left out). @throws TypeError for outputs JSON cannot hold
 */
export function outputDigests(
  outputs: unknown,
  volatile: readonly string[],
): { text: string; outputDigest: string; reproDigest: string } {
  const text = canonicalJson(outputs)
  const stable =
    volatile.length > 0 && outputs && typeof outputs === 'object' && !Array.isArray(outputs)
      ? canonicalJson(
          Object.fromEntries(Object.entries(outputs).filter(([k]) => !volatile.includes(k))),
        )
      : text
  return { text, outputDigest: sha256(text), reproDigest: sha256(stable) }
}

/**
 * The content address of a step's work: what it does, the parameters it reads, its seed and the
 * digests of its inputs. Anything else (other parameters, unrelated steps) leaves it unchanged.
 */
export function cacheKey(input: {
  readonly codeHash: string
  readonly params: Readonly<Record<string, unknown>>
  readonly inputs: Readonly<Record<string, string>>
  /** The step's seed: a step may draw on it without declaring the `seed` parameter. */
  readonly seed: number
}): string {
  return sha256(canonicalJson(input, 'cache key'))
}
