import { InvalidParameterError } from '../shared/errors.js'
import { checkArtifactKey } from '../store/index.js'

const SCHEME = 'mlflow-artifacts:'

/**
 * Maps an artifact URI that this server issued (`mlflow-artifacts:/<key>`) to its store key.
 * Anything else (`file:`, `s3:`, absolute paths, traversal) lies outside the artifact store.
 * @throws InvalidParameterError
 */
export function artifactKeyOf(uri: string): string {
  if (!uri.startsWith(SCHEME)) {
    throw new InvalidParameterError(
      `Artifact location '${uri.slice(0, 200)}' is outside the artifact store: use mlflow-artifacts:/<path>`,
    )
  }
  const path = uri.slice(SCHEME.length).replace(/^\/+/, '')
  return checkArtifactKey(path, { allowRoot: false })
}

/** The URI of a store key. */
export function artifactUriOf(key: string): string {
  return `${SCHEME}/${key}`
}

/**
 * Normalises a client-given experiment artifact location: a `mlflow-artifacts:/…` URI or a
 * relative path, which must stay inside the artifact store. @throws InvalidParameterError
 */
export function normaliseArtifactLocation(location: string): string {
  if (location.startsWith(SCHEME)) return artifactUriOf(artifactKeyOf(location))
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) {
    throw new InvalidParameterError(
      `artifact_location '${location.slice(0, 200)}' is outside the artifact store: only mlflow-artifacts:/<path> or a relative path is allowed`,
    )
  }
  return artifactUriOf(checkArtifactKey(location))
}
