import { InvalidParameterError } from '../shared/errors.js'

/** Page tokens are opaque to clients: a base64url offset, checked on the way back in. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url')
}

/** @throws InvalidParameterError for a token this server did not issue. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset: unknown
    }
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset
  } catch {
    // fall through to the error below
  }
  throw new InvalidParameterError(`Invalid page_token '${token.slice(0, 100)}'`)
}
