import type { DatasetVersion } from '../../data/index.js'
import { readFrame as readFrameFile, type Frame } from '../../models/index.js'

/**
 * Loads a stored dataset version's file into columns for a trainer: the version's numeric
 * columns (int, float, bool) as numbers with NaN for missing, the others as strings.
 * @throws InvalidParameterError for a format trainers cannot read
 */
export function readFrame(version: DatasetVersion, path: string): Promise<Frame> {
  return readFrameFile({
    path,
    format: version.format,
    columns: version.schema,
    label: `${version.name}:${version.version}`,
  })
}
