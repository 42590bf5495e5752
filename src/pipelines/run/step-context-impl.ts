import { createReadStream } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { Readable } from 'node:stream'
import type { NodeRef } from '../../lineage/index.js'
import type { ArtifactStore } from '../../store/index.js'
import { artifactKey, type ArtifactRef } from '../definition/artifact-ref.js'
import type { Params } from '../definition/pipeline-spec.js'
import type { StepContext, StepServices } from '../definition/step-context.js'
import { sha256 } from './digest.js'
import type { StepLog } from './step-log.js'

/** What lineage learns from a step: what it read and what it made. */
export interface StepLineage {
  readonly inputs: (NodeRef & { digest?: string })[]
  readonly outputs: NodeRef[]
}

/** The fields of a step context that the executor fills in. */
export interface StepContextInput {
  readonly pipeline: string
  readonly runId: string
  readonly step: string
  readonly attempt: number
  readonly params: Params
  readonly seed: number
  readonly trackingRunId: string
  readonly signal: AbortSignal
  /** The try's scratch folder, made on first call. */
  readonly workDir: () => string
  readonly services: StepServices
  readonly artifacts: ArtifactStore
  readonly log: StepLog
  readonly lineage: StepLineage
}

async function hashFile(path: string): Promise<string> {
  return sha256(await readFile(path))
}

/** The artifact half of a step context: content-addressed writes, reads that count as inputs. */
function artifactMethods(
  input: StepContextInput,
): Pick<StepContext, 'writeArtifact' | 'readArtifact' | 'artifactPath'> {
  const { artifacts, lineage } = input
  const store = async (name: string, digest: string, sizeBytes: number, body: () => Readable) => {
    const key = artifactKey(digest)
    // Content-addressed: bytes already stored under their digest need no second upload.
    if (!(await artifacts.stat(key))) await artifacts.put(key, body())
    lineage.outputs.push({ kind: 'artifact', id: `sha256:${digest}` })
    return { artifact: name, sha256: digest, sizeBytes, key } satisfies ArtifactRef
  }
  const read = (ref: ArtifactRef) => {
    lineage.inputs.push({ kind: 'artifact', id: `sha256:${ref.sha256}` })
    return artifacts.get(ref.key)
  }
  return {
    async writeArtifact(name, body) {
      if (typeof body === 'object' && 'path' in body) {
        const { size } = await stat(body.path)
        return store(name, await hashFile(body.path), size, () => createReadStream(body.path))
      }
      const bytes = Buffer.from(body)
      return store(name, sha256(bytes), bytes.length, () => Readable.from([bytes]))
    },
    readArtifact: async (ref) => buffer(await read(ref)),
    async artifactPath(ref) {
      const path = join(input.workDir(), `${ref.sha256.slice(0, 12)}-${basename(ref.artifact)}`)
      await writeFile(path, await read(ref))
      return path
    },
  }
}

/** Builds the `ctx` a step's code receives. */
export function makeStepContext(input: StepContextInput): StepContext {
  const { log, lineage, services } = input
  return {
    pipeline: input.pipeline,
    runId: input.runId,
    step: input.step,
    attempt: input.attempt,
    params: input.params,
    seed: input.seed,
    trackingRunId: input.trackingRunId,
    signal: input.signal,
    get workDir() {
      return input.workDir()
    },
    services,
    log: (...parts) => log.append(...parts),
    logMetrics: (metrics, step) =>
      services.tracking.logMetrics(input.trackingRunId, { ...metrics }, step),
    ...artifactMethods(input),
    recordInput: (node) => void lineage.inputs.push(node),
    recordOutput: (node) => void lineage.outputs.push(node),
  }
}
