import type { Contract, Data, DatasetProfile } from '../data/index.js'
import type { EventDispatcher } from '../events/index.js'
import type { LoggedRequest, LogQuery, Serving } from '../serving/index.js'
import type { Clock } from '../shared/clock.js'
import type { MetadataStore } from '../store/index.js'
import type { AlertActuators } from './alert-action.js'

/** What monitoring reads from serving, through its services (never its tables). */
export interface ServingReader {
  /** Log rows of one deployment, oldest first, paged by id. */
  readLog(query: LogQuery): Promise<LoggedRequest[]>
  /** The model and stable version of a deployment. @throws NotFoundError */
  deployment(name: string): Promise<{ model: string; version: number }>
}

/** Reference profiles of stored dataset versions (`name:3`), through the data context. */
export interface ReferenceProfiles {
  /** @throws NotFoundError */
  profile(ref: string): Promise<DatasetProfile>
  /** A stored contract's body. @throws NotFoundError */
  contract(ref: string): Promise<Contract>
  /** The dataset version (`name:3`) a model version was trained on, from its run's inputs. */
  trainingReference(model: string, version: number): Promise<string | undefined>
}

/** A model version's source run, as the registry records it. */
export type SourceRunOf = (model: string, version: number) => Promise<string | undefined>

/** A POST as webhook delivery needs it; `fetch` by default, injectable for tests. */
export type PostJson = (
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) => Promise<{ status: number }>

/** What the monitoring services need from the outside world. */
export interface MonitoringDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly events: EventDispatcher
  readonly serving: ServingReader
  readonly references?: ReferenceProfiles | undefined
  readonly post?: PostJson | undefined
  /** What alert actions act on; without it rules may not carry actions. */
  readonly actuators?: AlertActuators | undefined
}

/** Serving's services as monitoring reads them. */
export function servingReader(serving: Serving): ServingReader {
  return {
    readLog: (query) => serving.readLog(query),
    deployment: async (name) => {
      const d = await serving.deployments.get(name)
      return { model: d.model, version: d.version }
    },
  }
}

/**
 * The data context's stored profiles as monitoring reads them; a model version's reference is the
 * dataset its source run logged as `training` input (what `model.train` records).
 */
export function dataReferences(data: Data, sourceRunOf?: SourceRunOf): ReferenceProfiles {
  return {
    profile: async (ref) => (await data.profiles.profile({ ref })).profile,
    contract: async (ref) => (await data.contracts.get(ref)).contract,
    trainingReference: async (model, version) => {
      const runId = await sourceRunOf?.(model, version)
      if (runId === undefined) return undefined
      const inputs = await data.runs.inputsOf(runId)
      const found = inputs.find((i) => i.context === 'training') ?? inputs[0]
      return found && `${found.version.name}:${found.version.version}`
    },
  }
}

/** POSTs with `fetch`, aborting after `timeoutMs` so a slow endpoint holds nothing up. */
export const fetchPost: PostJson = async (url, body, headers, timeoutMs) => {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(timeoutMs),
  })
  await res.body?.cancel()
  return { status: res.status }
}
