import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { artifactKeyOf, artifactUriOf, type Run } from '../tracking/index.js'
import type { TrackingReader } from './deps.js'
import type { DatasetRef, Lineage } from './model.js'

/** Where a version's files are and what made them. */
export interface ResolvedSource {
  /** `mlflow-artifacts:/<key>`, checked to lie inside the artifact store. */
  readonly storageLocation: string
  readonly lineage: Lineage
}

export interface SourceInput {
  readonly source: string
  readonly runId?: string | undefined
  readonly modelId?: string | undefined
  readonly runLink?: string | undefined
}

/** Looks up another registered version's files, for `models:/<name>/<version>` and `@alias`. */
export type RegistryLookup = (name: string, versionOrAlias: string) => Promise<string>

const ALLOWED =
  'use runs:/<run_id>/<path>, models:/<model_id>, models:/<name>/<version> or mlflow-artifacts:/<path>'

function refuse(source: string, why: string): never {
  throw new InvalidParameterError(`Invalid model version source '${source.slice(0, 200)}': ${why}`)
}

/** The artifact-store URI of an artifact URI, refusing anything outside the store. */
function inStore(source: string, uri: string): string {
  try {
    return artifactUriOf(artifactKeyOf(uri))
  } catch (err) {
    return refuse(source, `${(err as Error).message}; ${ALLOWED}`)
  }
}

/**
 * Resolves a version's `source` to a location inside the artifact store (MLflow's CVE-2023-1177,
 * CVE-2023-6977 and CVE-2025-11201 came from sources naming local files, `//proc/self/root` or
 * `../`), and gathers its lineage from the run through tracking's services.
 * @throws InvalidParameterError for any other source, NotFoundError for an unknown run or model
 */
export async function resolveSource(
  tracking: TrackingReader,
  lookup: RegistryLookup,
  input: SourceInput,
): Promise<ResolvedSource> {
  const { source } = input
  let location: string
  let runId = input.runId || undefined
  let modelId = input.modelId || undefined
  let run: Run | undefined
  if (source.startsWith('mlflow-artifacts:')) {
    location = inStore(source, source)
  } else if (source.startsWith('runs:/')) {
    const match = /^runs:\/([^/]+)(?:\/(.*))?$/.exec(source)
    if (!match) refuse(source, `expected runs:/<run_id>/<path>; ${ALLOWED}`)
    const sourceRun = match[1]!
    if (runId && runId !== sourceRun)
      refuse(source, `it names run ${sourceRun} but run_id is ${runId}`)
    runId = sourceRun
    run = await tracking.getRun(sourceRun)
    location = inStore(source, `${run.info.artifactUri.replace(/\/+$/, '')}/${match[2] ?? ''}`)
  } else if (source.startsWith('models:/')) {
    const resolved = await modelsUri(tracking, lookup, source, modelId)
    location = resolved.location
    modelId = resolved.modelId ?? modelId
    runId ??= resolved.runId
  } else {
    refuse(source, `it is outside the artifact store; ${ALLOWED}`)
  }
  const lineage = await runLineage(tracking, { runId, modelId, runLink: input.runLink, run })
  return { storageLocation: location, lineage }
}

async function modelsUri(
  tracking: TrackingReader,
  lookup: RegistryLookup,
  source: string,
  modelId: string | undefined,
): Promise<{ location: string; modelId?: string | undefined; runId?: string | undefined }> {
  const rest = source.slice('models:/'.length)
  const registered = /^(.+)\/(\d+)$/.exec(rest) ?? /^(.+)@([\w-]+)$/.exec(rest)
  if (registered) {
    return { location: inStore(source, await lookup(registered[1]!, registered[2]!)) }
  }
  if (!/^[\w-]+$/.test(rest)) refuse(source, `expected models:/<model_id>; ${ALLOWED}`)
  if (modelId && modelId !== rest)
    refuse(source, `it names model ${rest} but model_id is ${modelId}`)
  const logged = await tracking.getLoggedModel(rest)
  return {
    location: inStore(source, logged.artifactLocation),
    modelId: logged.modelId,
    runId: logged.sourceRunId,
  }
}

/** The run's dataset inputs and code commit; a run on another server (run_link) has none here. */
async function runLineage(
  tracking: TrackingReader,
  input: {
    runId: string | undefined
    modelId: string | undefined
    runLink: string | undefined
    /** The run, when the source already fetched it. */
    run: Run | undefined
  },
): Promise<Lineage> {
  const { runId, modelId, runLink } = input
  const none = { runId, modelId, gitCommit: undefined, datasets: [] }
  if (!runId) return none
  let run: Run
  try {
    run = input.run ?? (await tracking.getRun(runId))
  } catch (err) {
    if (err instanceof NotFoundError && runLink) return none
    throw err
  }
  return {
    runId,
    modelId,
    gitCommit: run.data.tags.find((t) => t.key === 'mlflow.source.git.commit')?.value,
    datasets: run.inputs.datasetInputs.map((input): DatasetRef => ({
      name: input.dataset.name,
      digest: input.dataset.digest,
      sourceType: input.dataset.sourceType,
      source: input.dataset.source,
      context: input.tags.find((t) => t.key === 'mlflow.data.context')?.value,
    })),
  }
}
