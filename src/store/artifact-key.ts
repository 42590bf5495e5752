import { InvalidParameterError } from '../shared/errors.js'

const MAX_KEY_LENGTH = 1024
// Control characters (NUL included) never belong in a key.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** Decodes percent-escapes repeatedly, so `%252e%252e` is seen as the `..` it becomes downstream. */
function fullyDecoded(segment: string): string {
  let current = segment
  for (let i = 0; i < 4; i++) {
    let next: string
    try {
      next = decodeURIComponent(current)
    } catch {
      return current
    }
    if (next === current) return current
    current = next
  }
  return current
}

function refuse(key: string, why: string): never {
  throw new InvalidParameterError(`Invalid artifact path '${key.slice(0, 200)}': ${why}`)
}

/**
 * Checks an artifact key and returns it normalised (no leading/trailing or doubled slashes).
 * Refuses every path-traversal shape MLflow's CVEs used: absolute paths, `..` (plain, percent- or
 * double-encoded), backslashes, drive letters, `;` path parameters, `?`/`#` fragments and NUL.
 * An empty key is the root and is allowed only when `allowRoot` is set.
 */
export function checkArtifactKey(key: string, { allowRoot = false } = {}): string {
  if (key.length > MAX_KEY_LENGTH) refuse(key, `longer than ${MAX_KEY_LENGTH} characters`)
  if (CONTROL.test(key)) refuse(key, 'control characters are not allowed')
  if (key.includes('\\')) refuse(key, 'backslashes are not allowed')
  if (key.startsWith('/')) refuse(key, 'absolute paths are not allowed')
  if (/^[a-zA-Z]:/.test(key)) refuse(key, 'drive letters are not allowed')
  if (/[?#;]/.test(key)) refuse(key, "'?', '#' and ';' are not allowed")
  const segments = key.split('/').filter((s) => s.length > 0)
  for (const segment of segments) {
    const decoded = fullyDecoded(segment)
    if (segment === '.' || segment === '..' || decoded === '.' || decoded === '..') {
      refuse(key, "'.' and '..' segments are not allowed")
    }
    if (decoded !== segment && /[/\\?#;]|^\.\.|\.\.$/.test(decoded)) {
      refuse(key, 'encoded separators or traversal are not allowed')
    }
    if (CONTROL.test(decoded)) refuse(key, 'control characters are not allowed')
  }
  const normalised = segments.join('/')
  if (normalised === '' && !allowRoot) refuse(key, 'the path is empty')
  return normalised
}
