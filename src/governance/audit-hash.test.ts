import { describe, expect, it } from 'vitest'
import { canonicalJson, entryHash, GENESIS_HASH, type AuditContent } from './audit-hash.js'

const content: AuditContent = {
  seq: 1,
  eventId: 7,
  type: 'run.created',
  subject: 'run:abc',
  actor: 'ada',
  atMs: 1000,
  payload: '{"a":1}',
}

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    )
  })
})

describe('entryHash', () => {
  it('is 64 hex characters and depends on every field and on the previous hash', () => {
    const hash = entryHash(content, GENESIS_HASH)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    const variants: AuditContent[] = [
      { ...content, seq: 2 },
      { ...content, eventId: 8 },
      { ...content, type: 'run.updated' },
      { ...content, subject: 'run:abd' },
      { ...content, actor: null },
      { ...content, atMs: 1001 },
      { ...content, payload: '{"a":2}' },
    ]
    for (const variant of variants) expect(entryHash(variant, GENESIS_HASH)).not.toBe(hash)
    expect(entryHash(content, hash)).not.toBe(hash)
    expect(entryHash({ ...content }, GENESIS_HASH)).toBe(hash)
  })
})
