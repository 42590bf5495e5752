/** An artifact a step wrote: stored once by content, referenced from outputs by its digest. */
export interface ArtifactRef {
  /** The name the step gave it (`model.onnx`). */
  readonly artifact: string
  readonly sha256: string
  readonly sizeBytes: number
  /** Where it lies in the artifact store. */
  readonly key: string
}

/** The content-addressed key of an artifact. */
export function artifactKey(sha256: string): string {
  return `pipelines/cas/${sha256.slice(0, 2)}/${sha256}`
}

/** True when `value` is an artifact reference (in outputs read back from JSON). */
export function isArtifactRef(value: unknown): value is ArtifactRef {
  if (!value || typeof value !== 'object') return false
  const ref = value as Record<string, unknown>
  return (
    typeof ref.artifact === 'string' &&
    typeof ref.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(ref.sha256) &&
    ref.key === artifactKey(ref.sha256)
  )
}
