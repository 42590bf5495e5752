import { describe, expect, it } from 'vitest'
import { InvalidParameterError } from '../shared/errors.js'
import { checkArtifactKey } from './artifact-key.js'
import { HOSTILE_KEYS } from './artifact-store.contract.js'

describe('checkArtifactKey', () => {
  it('normalises doubled and trailing slashes, and keeps ordinary names', () => {
    expect(
      ['a//b/', 'model/MLmodel', 'a/b..c/.hidden', 'x/100%.txt', 'café/ünï.txt'].map((k) =>
        checkArtifactKey(k),
      ),
    ).toEqual(['a/b', 'model/MLmodel', 'a/b..c/.hidden', 'x/100%.txt', 'café/ünï.txt'])
  })

  it('allows the empty root only when asked', () => {
    expect(checkArtifactKey('', { allowRoot: true })).toBe('')
    expect(() => checkArtifactKey('')).toThrow(/the path is empty/)
  })

  it.each(HOSTILE_KEYS)('refuses %j', (key) => {
    expect(() => checkArtifactKey(key, { allowRoot: true })).toThrow(InvalidParameterError)
  })

  it('refuses over-long keys and says how long a key may be', () => {
    expect(() => checkArtifactKey('a/'.repeat(600))).toThrow(/longer than 1024 characters/)
  })
})
