const BUCKETS = 10_000

/** A stable bucket in [0, 10000) for a routing key (FNV-1a, 32-bit). */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % BUCKETS
}

/**
 * Whether a request goes to the canary at `weight` percent. A key is bucketed deterministically,
 * so one caller always sees one version, and raising the weight only moves callers from stable
 * to canary, never back. Without a key the split is random per request.
 */
export function routesToCanary(key: string | undefined, weight: number): boolean {
  if (weight <= 0) return false
  if (weight >= 100) return true
  const bucket = key === undefined ? Math.floor(Math.random() * BUCKETS) : bucketOf(key)
  return bucket < weight * (BUCKETS / 100)
}
