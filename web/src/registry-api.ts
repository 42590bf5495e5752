import type { KeyValue } from './api'
import { call } from './api'
import { seg, v1, type Query } from './native-api'

/*
 * The model registry: models and versions through MLflow's registry API (as MLflow clients see
 * them), gate reports and approvals through Lathe's own routes.
 */

export interface ModelVersion {
  readonly name: string
  readonly version: string
  readonly creation_timestamp?: number
  readonly user_id?: string
  readonly description?: string
  readonly source?: string
  readonly run_id?: string
  readonly status?: string
  readonly tags?: readonly KeyValue[]
  readonly aliases?: readonly string[]
}

export interface RegisteredModel {
  readonly name: string
  readonly creation_timestamp?: number
  readonly last_updated_timestamp?: number
  readonly description?: string
  readonly latest_versions?: readonly ModelVersion[]
  readonly tags?: readonly KeyValue[]
  readonly aliases?: readonly { alias: string; version: string }[]
}

function mlflow<T>(path: string, query: Query, signal?: AbortSignal): Promise<T> {
  const entries = Object.entries(query).filter(([, v]) => v !== undefined)
  const search = new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))
  return call<T>(`/api/2.0/mlflow/${path}?${search}`, { signal })
}

/** Every registered model, in pages. */
export async function searchModels(signal?: AbortSignal): Promise<RegisteredModel[]> {
  const all: RegisteredModel[] = []
  let token: string | undefined
  do {
    const page = await mlflow<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(
      'registered-models/search',
      { max_results: 1000, page_token: token },
      signal,
    )
    all.push(...(page.registered_models ?? []))
    token = page.next_page_token
  } while (token)
  return all
}

export async function getModel(name: string, signal?: AbortSignal): Promise<RegisteredModel> {
  const body = await mlflow<{ registered_model: RegisteredModel }>(
    'registered-models/get',
    { name },
    signal,
  )
  return body.registered_model
}

/** Every version of one model, newest first. */
export async function modelVersions(name: string, signal?: AbortSignal): Promise<ModelVersion[]> {
  const all: ModelVersion[] = []
  let token: string | undefined
  do {
    const page = await mlflow<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
      'model-versions/search',
      { filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: 10_000, page_token: token },
      signal,
    )
    all.push(...(page.model_versions ?? []))
    token = page.next_page_token
  } while (token)
  return all.sort((a, b) => Number(b.version) - Number(a.version))
}

export interface GateResult {
  readonly gate: string
  readonly kind: string
  readonly passed: boolean
  readonly observed: unknown
  readonly threshold: unknown
  readonly detail: string
}

export interface GateReport {
  readonly id: string
  readonly name: string
  readonly version: string
  readonly dataset: string | null
  readonly passed: boolean
  readonly results: readonly GateResult[]
  readonly created_at: number
  readonly user_id: string | null
}

export interface GatePolicy {
  readonly gates: readonly Record<string, unknown>[]
  readonly protected_aliases: readonly string[]
  readonly approval_aliases: readonly string[]
}

const modelPath = (name: string) => `registered-models/${seg(name)}`

export function gatePolicy(name: string, signal?: AbortSignal): Promise<GatePolicy> {
  return v1(`${modelPath(name)}/gates`, { signal })
}

/** Evaluation reports of one version, newest first. */
export async function gateReports(
  name: string,
  version: string,
  signal?: AbortSignal,
): Promise<GateReport[]> {
  const path = `${modelPath(name)}/versions/${seg(version)}/reports`
  return (await v1<{ reports: GateReport[] }>(path, { signal })).reports
}

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED'

export interface Approval {
  readonly id: string
  readonly name: string
  readonly version: string
  readonly alias: string
  readonly status: ApprovalStatus
  readonly reason: string
  readonly requested_by: string
  readonly requested_at: number
  readonly decided_by: string | null
  readonly comment: string | null
  readonly decided_at: number | null
}

/** Approval requests, newest first, of one model or of all. */
export async function approvals(
  filter: { name?: string; status?: ApprovalStatus },
  signal?: AbortSignal,
): Promise<Approval[]> {
  return (await v1<{ approvals: Approval[] }>('approvals', { query: filter, signal })).approvals
}

/** Approves (which moves the alias) or rejects a request, with the decider's comment. */
export async function decideApproval(
  id: string,
  decision: 'approve' | 'reject',
  comment: string,
): Promise<Approval> {
  const path = `approvals/${seg(id)}/${decision}`
  return (await v1<{ approval: Approval }>(path, { body: { comment } })).approval
}
