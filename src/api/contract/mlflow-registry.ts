import { z } from 'zod'
import { MAX_MODEL_VERSION_RESULTS, MAX_REGISTERED_MODEL_RESULTS } from '../../registry/index.js'
import { Int64, KeyValue, repeated } from './common.js'

/** MLflow model-registry REST 2.0 (`model_registry.proto`): registered models and versions. */

function required(field: string) {
  return z
    .string({ error: `Missing value for required parameter '${field}'.` })
    .min(1, `Missing value for required parameter '${field}'.`)
}

/** Versions are strings in the proto; some clients send numbers. */
const Version = z
  .union([z.string(), z.number()], {
    error: "Missing value for required parameter 'version'.",
  })
  .transform(String)

/** A proto bool: JSON true/false, or the strings a query string carries. */
const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')])

function maxResults(max: number) {
  return Int64.pipe(
    z
      .number()
      .int()
      .min(1, 'max_results must be a positive integer')
      .max(max, `Invalid value for request parameter max_results. It must be at most ${max}`),
  )
}

export const CreateRegisteredModel = z.object({
  name: required('name'),
  tags: z.array(KeyValue).max(1000).optional(),
  description: z.string().optional(),
})
export const RegisteredModelName = z.object({ name: required('name') })
export const RenameRegisteredModel = z.object({
  name: required('name'),
  new_name: required('new_name'),
})
export const UpdateRegisteredModel = z.object({
  name: required('name'),
  description: z.string().optional(),
})
export const SearchRegisteredModels = z.object({
  filter: z.string().max(10_000).optional(),
  max_results: maxResults(MAX_REGISTERED_MODEL_RESULTS).optional(),
  order_by: repeated(z.string()).optional(),
  page_token: z.string().optional(),
})
export const GetLatestVersions = z.object({
  name: required('name'),
  stages: repeated(z.string()).optional(),
})
export const SetRegisteredModelTag = z.object({
  name: required('name'),
  key: required('key'),
  value: z.string({ error: "Missing value for required parameter 'value'." }),
})
export const DeleteRegisteredModelTag = z.object({ name: required('name'), key: required('key') })
export const SetRegisteredModelAlias = z.object({
  name: required('name'),
  alias: required('alias'),
  version: Version,
})
export const RegisteredModelAlias = z.object({ name: required('name'), alias: required('alias') })

export const CreateModelVersion = z.object({
  name: required('name'),
  source: required('source'),
  run_id: z.string().optional(),
  tags: z.array(KeyValue).max(1000).optional(),
  run_link: z.string().optional(),
  description: z.string().optional(),
  /** MLflow 3: the LoggedModel registered. */
  model_id: z.string().optional(),
})
export const ModelVersionRef = z.object({ name: required('name'), version: Version })
export const UpdateModelVersion = ModelVersionRef.extend({ description: z.string().optional() })
export const SearchModelVersions = z.object({
  filter: z.string().max(10_000).optional(),
  max_results: maxResults(MAX_MODEL_VERSION_RESULTS).optional(),
  order_by: repeated(z.string()).optional(),
  page_token: z.string().optional(),
})
export const TransitionModelVersionStage = ModelVersionRef.extend({
  stage: required('stage'),
  archive_existing_versions: z
    .unknown()
    .pipe(
      Bool.optional().refine(
        (v) => v !== undefined,
        "Missing value for required parameter 'archive_existing_versions'.",
      ),
    )
    .transform((v) => v === true),
})
export const SetModelVersionTag = ModelVersionRef.extend({
  key: required('key'),
  value: z.string({ error: "Missing value for required parameter 'value'." }),
})
export const DeleteModelVersionTag = ModelVersionRef.extend({ key: required('key') })
