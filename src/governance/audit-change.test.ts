import { describe, expect, it } from 'vitest'
import { auditChange } from './audit-change.js'

describe('auditChange', () => {
  it('takes explicit before and after members', () => {
    expect(
      auditChange('model_version.stage_set', { before: { stage: 'None' }, after: { stage: 'A' } }),
    ).toEqual({ before: { stage: 'None' }, after: { stage: 'A' } })
  })

  it('reads the old status of a run update or a model finalisation', () => {
    expect(auditChange('run.updated', { from_status: 'RUNNING', status: 'FINISHED' })).toEqual({
      before: { status: 'RUNNING' },
      after: { status: 'FINISHED' },
    })
    expect(auditChange('logged_model.finalized', { from_status: 'P', status: 'R' })).toEqual({
      before: { status: 'P' },
      after: { status: 'R' },
    })
  })

  it('reads the tag values a logged batch replaced', () => {
    const payload = {
      before: { tags: { stage: 'a' } },
      after: { metrics: 0, tags: { stage: 'b' } },
    }
    expect(auditChange('run.logged', payload)).toEqual({
      before: { tags: { stage: 'a' } },
      after: { metrics: 0, tags: { stage: 'b' } },
    })
  })

  it('reads a rename and a removed tag', () => {
    expect(auditChange('experiment.renamed', { from: 'a', to: 'b' })).toEqual({
      before: { name: 'a' },
      after: { name: 'b' },
    })
    expect(auditChange('run.tag_deleted', { key: 'k' })).toEqual({
      before: { key: 'k' },
      after: null,
    })
  })

  it('flips the lifecycle stage on delete and restore', () => {
    expect(auditChange('experiment.deleted', {})).toEqual({
      before: { lifecycle_stage: 'active' },
      after: { lifecycle_stage: 'deleted' },
    })
    expect(auditChange('run.restored', {}).after).toEqual({ lifecycle_stage: 'active' })
  })

  it('treats any other payload as the state after the change', () => {
    expect(auditChange('run.created', { run_name: 'r' })).toEqual({
      before: null,
      after: { run_name: 'r' },
    })
  })
})
