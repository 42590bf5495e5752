import type { FastifyInstance } from 'fastify'
import { FEATURES, type Period } from './quickstart-data.js'

/** What replaying a period through the serving endpoint did. */
export interface Replay {
  readonly requests: number
  readonly errors: number
  /** Predictions equal to the ground truth sent back as feedback. */
  readonly correct: number
  readonly feedbackAccepted: number
  readonly startMs: number
  readonly endMs: number
}

/** Rows at a time between checks (of the canary) during a replay. */
export type OnChunk = (done: number) => Promise<boolean | void>

const FEEDBACK_BATCH = 200

/**
 * Sends each day of a period as one live request to `/serve/<deployment>/invocations` (MLflow's
 * protocol, with our own request id), then posts the day's real weather as ground truth to
 * `/api/v1/feedback`, as a labelling process would later. `onChunk` runs every `chunk` rows; it
 * returns true to stop early.
 */
export async function replayPeriod(
  app: FastifyInstance,
  input: { deployment: string; period: Period; idPrefix: string; chunk?: number },
  onChunk?: OnChunk,
): Promise<Replay> {
  const startMs = Date.now()
  const labels: { request_id: string; label: string }[] = []
  let errors = 0
  let correct = 0
  const chunk = input.chunk ?? 50
  for (const [i, row] of input.period.rows.entries()) {
    const requestId = `${input.idPrefix}-${row.date}`
    const record = Object.fromEntries(FEATURES.map((f) => [f, row[f]]))
    const res = await app.inject({
      method: 'POST',
      url: `/serve/${input.deployment}/invocations`,
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      payload: { dataframe_records: [record] },
    })
    if (res.statusCode !== 200) errors++
    else {
      const predicted = (res.json() as { predictions: { label?: unknown }[] }).predictions[0]
      if (predicted?.label === row.weather) correct++
      labels.push({ request_id: requestId, label: row.weather })
    }
    if (onChunk && (i + 1) % chunk === 0 && (await onChunk(i + 1))) break
  }
  const feedbackAccepted = await sendFeedback(app, input.deployment, labels)
  return {
    requests: labels.length + errors,
    errors,
    correct,
    feedbackAccepted,
    startMs,
    endMs: Date.now() + 1,
  }
}

async function sendFeedback(
  app: FastifyInstance,
  deployment: string,
  items: readonly { request_id: string; label: string }[],
): Promise<number> {
  let accepted = 0
  for (let i = 0; i < items.length; i += FEEDBACK_BATCH) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/feedback',
      payload: { deployment, items: items.slice(i, i + FEEDBACK_BATCH) },
    })
    if (res.statusCode !== 200) throw new Error(`feedback was refused: ${res.body}`)
    accepted += (res.json() as { accepted: number }).accepted
  }
  return accepted
}
