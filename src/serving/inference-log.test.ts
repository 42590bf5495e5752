import { describe, expect, it, vi } from 'vitest'
import { systemClock } from '../shared/clock.js'
import { DEFAULT_CONFIG } from './deployment.js'
import { InferenceLog, type LogEntry, type LogRow, type LogSink } from './inference-log.js'
import { recordsTable } from './raw-table.js'

function entry(i: number): LogEntry {
  return {
    requestId: `r${i}`,
    deployment: 'd',
    version: 1,
    variant: 'stable',
    timestampMs: i,
    table: recordsTable([{ x: i }], 'rows'),
    outputs: undefined,
    latencyMs: 1,
    status: 'error',
    policy: DEFAULT_CONFIG.logging,
    hashKey: 'k',
  }
}

function collecting(): LogSink & { rows: LogRow[] } {
  const rows: LogRow[] = []
  return { rows, write: async (batch) => void rows.push(...batch) }
}

describe('InferenceLog', () => {
  it('starts a flush by itself once a batch of entries waits', async () => {
    const db = collecting()
    const log = new InferenceLog({ db, parquet: collecting() }, systemClock, {
      flushIntervalMs: 1e9,
      batchSize: 3,
    })
    for (const i of [1, 2, 3]) log.offer(entry(i))
    await vi.waitFor(() => expect(db.rows.map((r) => r.requestId)).toEqual(['r1', 'r2', 'r3']))
    await log.close()
  })

  it('lets the event loop turn while it turns a large flush into rows', async () => {
    const db = collecting()
    const log = new InferenceLog({ db, parquet: collecting() }, systemClock, {
      flushIntervalMs: 1e9,
      batchSize: 1e9,
    })
    for (let i = 0; i < 1000; i++) log.offer(entry(i))
    let turns = 0
    let running = true
    const spin = () => {
      if (!running) return
      turns++
      setImmediate(spin)
    }
    setImmediate(spin)
    await log.flush()
    running = false
    expect(db.rows).toHaveLength(1000)
    expect(turns).toBeGreaterThan(1)
    await log.close()
  })
})
