import { describe, expect, it } from 'vitest'
import { canonicalStage, checkAlias, checkModelName, parseVersion } from './validation.js'

describe('registry validation', () => {
  it('reserves latest and version-like aliases, and allows only word characters and dashes', () => {
    expect(() => checkAlias('champion')).not.toThrow()
    expect(() => checkAlias('blue-green_2')).not.toThrow()
    expect(() => checkAlias('Latest')).toThrow(
      "'latest' alias name (case insensitive) is reserved.",
    )
    expect(() => checkAlias('V12')).toThrow("Version alias name 'V12' is reserved.")
    expect(() => checkAlias('a/b')).toThrow('Names may only contain alphanumerics')
    expect(() => checkAlias('')).toThrow('cannot be empty')
  })

  it('reads versions as positive decimal integers only', () => {
    expect(parseVersion('12')).toBe(12)
    expect(parseVersion(3)).toBe(3)
    for (const bad of ['', '-1', '1.5', '1e3', ' 1']) {
      expect(() => parseVersion(bad), bad).toThrow("Parameter 'version' must be an integer")
    }
  })

  it('canonicalises stage names and lists the allowed ones', () => {
    expect(canonicalStage('production')).toBe('Production')
    expect(canonicalStage('NONE')).toBe('None')
    expect(() => canonicalStage('live')).toThrow(
      'Invalid Model Version stage: live. Value must be one of None, Staging, Production, Archived.',
    )
  })

  it('refuses blank names and control characters', () => {
    expect(() => checkModelName(' ')).toThrow("Missing value for required parameter 'name'.")
    expect(() => checkModelName('a\u0000b')).toThrow('control characters')
  })
})
