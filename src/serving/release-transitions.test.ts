import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, type Deployment } from './deployment.js'
import {
  advanceRelease,
  failRelease,
  promoteRelease,
  rollbackRelease,
  startRelease,
} from './release-transitions.js'

const base: Deployment = {
  name: 'fraud',
  model: 'fraud',
  target: { alias: 'champion' },
  strategy: 'canary',
  version: 1,
  previousVersion: undefined,
  release: undefined,
  config: { ...DEFAULT_CONFIG, canary: { ...DEFAULT_CONFIG.canary, steps: [10, 50] } },
  revision: 3,
  createdAtMs: 0,
  updatedAtMs: 0,
  createdBy: 'ann',
}
const gates = [{ gate: 'schema' as const, passed: true, detail: 'ok', atMs: 5 }]
const start = (strategy: Deployment['strategy']) =>
  startRelease(base, {
    id: 'r1',
    strategy,
    candidate: 2,
    gates,
    trigger: 'manual',
    nowMs: 10,
    actor: 'ann',
  })

describe('release transitions', () => {
  it('starts a canary at its first weight, keeping the stable version', () => {
    const { next, events } = start('canary')
    expect(next).toMatchObject({
      version: 1,
      revision: 4,
      release: { status: 'progressing', weight: 10, candidateVersion: 2 },
    })
    expect(events.map((e) => e.type)).toEqual(['deployment.release_started'])
  })

  it('swaps at once for blue-green and single, keeping the old version for rollback', () => {
    expect(start('blue-green').next).toMatchObject({
      version: 2,
      previousVersion: 1,
      release: { status: 'progressing', weight: 100 },
    })
    const single = start('single')
    expect(single.next).toMatchObject({
      version: 2,
      previousVersion: 1,
      release: { status: 'promoted' },
    })
    expect(single.events.map((e) => e.type)).toEqual([
      'deployment.release_started',
      'deployment.swapped',
      'deployment.promoted',
    ])
  })

  it('ramps, then promotes: the candidate becomes stable and the old one is kept', () => {
    const canary = start('canary').next
    const ramped = advanceRelease(canary, 'r1', 20, 'fine').next
    expect(ramped.release).toMatchObject({ weight: 50, stepIndex: 1, stepStartedAtMs: 20 })
    expect(promoteRelease(ramped, 30, 'done').next).toMatchObject({
      version: 2,
      previousVersion: 1,
      release: { status: 'promoted' },
    })
  })

  it('rolls a canary back without touching the stable version, and swaps a blue-green back', () => {
    const canary = rollbackRelease(start('canary').next, 40, 'errors', { automatic: true })
    expect(canary.next).toMatchObject({
      version: 1,
      release: { status: 'rolled_back', weight: 0, reason: 'errors' },
    })
    expect(canary.events[0]!.payload).toMatchObject({ from: 2, to: 1, automatic: true })
    const swapped = rollbackRelease(start('blue-green').next, 40, 'slow', { automatic: false })
    expect(swapped.next).toMatchObject({
      version: 1,
      previousVersion: 2,
      release: { status: 'rolled_back' },
    })
  })

  it('refuses decisions on a release that is not the one in progress', () => {
    const canary = start('canary').next
    expect(() => advanceRelease(canary, 'other', 1, '')).toThrow(
      /no release in progress with id other/,
    )
    const failed = failRelease(
      base,
      {
        id: 'r2',
        strategy: 'canary',
        candidate: 2,
        gates,
        trigger: 'manual',
        nowMs: 1,
        actor: 'a',
      },
      'smoke',
    ).next
    expect(failed).toMatchObject({ version: 1, release: { status: 'failed', reason: 'smoke' } })
    expect(() => promoteRelease(failed, 2, '')).toThrow(/no release in progress/)
    expect(() => rollbackRelease(failed, 2, '', { automatic: false })).toThrow(
      /no previous version/,
    )
  })
})
