import { z } from 'zod'
import { FINAL_LOGGED_MODEL_STATUSES, MAX_LOGGED_MODEL_RESULTS } from '../../tracking/index.js'
import { Int64, LooseKeyValue, repeated } from './common.js'

/** MLflow 3 LoggedModel routes (`/mlflow/logged-models…`); the model id travels in the path. */

export const ModelIdPath = z.object({ model_id: z.string().min(1, 'model_id must not be empty') })
export const TagPath = ModelIdPath.extend({
  tag_key: z.string().min(1, 'tag_key must not be empty'),
})

export const CreateLoggedModel = z.object({
  experiment_id: z.string({ error: 'experiment_id is required' }).min(1),
  name: z.string().optional(),
  model_type: z.string().optional(),
  source_run_id: z.string().optional(),
  params: z.array(LooseKeyValue).max(1000).optional(),
  tags: z.array(LooseKeyValue).max(1000).optional(),
})

/** Protobuf JSON may carry an enum as its name or its number (2 READY, 3 UPLOAD_FAILED). */
const FinalStatus = z.union([
  z.enum(FINAL_LOGGED_MODEL_STATUSES, {
    error: `status must be one of ${FINAL_LOGGED_MODEL_STATUSES.join(', ')}`,
  }),
  z
    .union([z.literal(2), z.literal(3)], { error: 'status must be 2 or 3 when given as a number' })
    .transform((n) => FINAL_LOGGED_MODEL_STATUSES[n - 2]!),
])
export const FinalizeLoggedModel = z.object({
  model_id: z.string().optional(),
  status: FinalStatus,
})

/** A DELETE or GET whose only argument is in the path; the body, if any, may echo model_id. */
export const PathOnly = z.object({ model_id: z.string().optional() })

export const SetLoggedModelTags = z.object({
  model_id: z.string().optional(),
  tags: z.array(LooseKeyValue).max(1000, 'at most 1000 tags per request').optional(),
})
export const LogLoggedModelParams = z.object({
  model_id: z.string().optional(),
  params: z.array(LooseKeyValue).max(1000, 'at most 1000 params per request').optional(),
})

const DatasetRef = z.object({
  dataset_name: z.string({ error: 'dataset_name is required' }).min(1),
  dataset_digest: z.string().optional(),
})
const OrderBy = z.object({
  field_name: z.string({ error: 'field_name is required' }).min(1),
  ascending: z.boolean().optional(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
})
export const SearchLoggedModels = z.object({
  experiment_ids: repeated(z.string()).optional(),
  filter: z.string().max(10_000).optional(),
  datasets: z.array(DatasetRef).max(100).optional(),
  max_results: Int64.pipe(
    z
      .number()
      .int()
      .min(1, 'max_results must be at least 1')
      .max(MAX_LOGGED_MODEL_RESULTS, `max_results must be at most ${MAX_LOGGED_MODEL_RESULTS}`),
  ).optional(),
  order_by: z.array(OrderBy).max(20).optional(),
  page_token: z.string().optional(),
})

export const ListLoggedModelArtifacts = z.object({
  artifact_directory_path: z.string().optional(),
  page_token: z.string().optional(),
})
