export { Pipelines, type RunOptions, type StartedRun } from './pipelines.js'
export type { PipelinesDeps } from './deps.js'
export { pipelineMigrations } from './migrations.js'
export { pipelineLineageRules } from './pipeline-lineage-rules.js'
export { pipeline, PipelineBuilder, type StepOptions } from './definition/pipeline-builder.js'
export { loadPipeline, isPipelineFile } from './definition/load-pipeline.js'
export { parsePipelineYaml } from './definition/yaml-pipeline.js'
export type {
  ParamValue,
  Params,
  PipelineSpec,
  StepSpec,
  PlannedStep,
} from './definition/pipeline-spec.js'
export type { StepContext, StepServices } from './definition/step-context.js'
export type { ArtifactRef } from './definition/artifact-ref.js'
export { builtins, type BuiltinName } from './builtin/builtins.js'
export { StepQueue } from './distributed/step-queue.js'
export type { PipelineWorker, WorkerOptions } from './distributed/pipeline-worker.js'
export type { PipelineRun, RunDetail, StepRun } from './run/run-reader.js'
export type { RerunReport } from './run/rerun-report.js'
export type { ReproRecord } from './run/repro-record.js'
export type { Executor } from './run/start-run.js'
export type { StepStatus, RunStatus } from './run/step-status.js'
export type { RegisteredPipeline } from './pipeline-catalog.js'
export type { Schedule } from './schedule/schedule-service.js'
export { TRIGGER_EVENTS, type Trigger } from './schedule/trigger-service.js'
