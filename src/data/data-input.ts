import type { DataFormat } from './data-format.js'
import type { VersionRef } from './version-ref.js'

/** The URI scheme of files in the artifact store (`mlflow-artifacts:/1/<run>/artifacts/x.csv`). */
export const ARTIFACT_SCHEME = 'mlflow-artifacts:'

/**
 * Data to read: a local file, a file in the artifact store (by its `mlflow-artifacts:/…` URI),
 * or a stored dataset version (`name`, `name:3`, `name@golden`).
 */
export type DataInput =
  | { readonly path: string; readonly format?: DataFormat | undefined }
  | { readonly artifact: string; readonly format?: DataFormat | undefined }
  | { readonly ref: string | VersionRef }

/** A stored version reference, or an artifact URI when the text has that scheme. */
export function storedInput(text: string): DataInput {
  return text.startsWith(ARTIFACT_SCHEME) ? { artifact: text } : { ref: text }
}
