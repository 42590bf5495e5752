export { Monitoring } from './monitoring.js'
export { monitoringMigrations } from './migrations.js'
export {
  servingReader,
  dataReferences,
  fetchPost,
  type MonitoringDeps,
  type ServingReader,
  type ReferenceProfiles,
  type PostJson,
} from './deps.js'
export { monitoringLineageRules } from './monitoring-lineage-rules.js'
export type { AlertAction, AlertActuators } from './alert-action.js'
export type { TakenAction } from './alert-action-runner.js'
export type * from './monitor.js'
export { MONITOR_KINDS } from './monitor.js'
export type { CreateMonitor, ResultQuery } from './monitor-service.js'
export type { FeedbackItem, FeedbackReport } from './feedback-service.js'
export type { AlertRule, AlertState, CreateAlertRule } from './alert-service.js'
export {
  SIGNATURE_HEADER,
  signBody,
  type WebhookDelivery,
  type WebhookOptions,
} from './webhook-outbox.js'
