const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** Milliseconds in a duration such as `90s`, `30m`, `24h`, `7d`, `2w`; undefined if malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(text)
  if (!match) return undefined
  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0)
}
