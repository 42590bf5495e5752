import { AlertActionRunner } from './alert-action-runner.js'
import { AlertService } from './alert-service.js'
import type { MonitoringDeps } from './deps.js'
import { FeedbackService } from './feedback-service.js'
import { MonitorScheduler } from './monitor-scheduler.js'
import { MonitorService } from './monitor-service.js'
import { WebhookOutbox, type WebhookOptions } from './webhook-outbox.js'

/** The monitoring context: monitors and their series, feedback, alerts and webhook deliveries. */
export class Monitoring {
  readonly feedback: FeedbackService
  readonly alerts: AlertService
  readonly monitors: MonitorService
  readonly webhooks: WebhookOutbox
  readonly scheduler: MonitorScheduler
  /** Alert actions taken; undefined without actuators. */
  readonly actions: AlertActionRunner | undefined

  constructor(deps: MonitoringDeps, options: { webhooks?: WebhookOptions } = {}) {
    this.feedback = new FeedbackService(deps)
    this.alerts = new AlertService(deps)
    this.monitors = new MonitorService(deps, this.feedback, this.alerts)
    this.webhooks = new WebhookOutbox(deps, options.webhooks)
    this.scheduler = new MonitorScheduler(this.monitors, this.webhooks, deps.clock)
    this.actions = deps.actuators && new AlertActionRunner(deps, deps.actuators)
  }

  /** Stops the scheduler; a tick under way finishes first. */
  close(): Promise<void> {
    return this.scheduler.stop()
  }
}
