/** Display helpers shared by every page. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** A timestamp in milliseconds as a local date and time; '' when unset. */
export function formatTime(ms: number | undefined): string {
  return ms ? dateTime.format(new Date(ms)) : ''
}

/** "3 min ago"-style age, for lists where the order matters more than the instant. */
export function formatAge(ms: number | undefined, nowMs = Date.now()): string {
  if (!ms) return ''
  const seconds = Math.round((nowMs - ms) / 1000)
  if (seconds < 60) return 'just now'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  if (seconds < 30 * 86_400) return `${Math.floor(seconds / 86_400)} d ago`
  return formatTime(ms)
}

/** A duration in milliseconds: "850 ms", "12.3 s", "4 min 5 s", "2 h 3 min". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return ''
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** A metric value, short but exact enough to compare: 0.9123, 12345, 1.23e-5. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return ''
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value)
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(3)
  return String(Number(value.toPrecision(magnitude >= 1 ? 6 : 4)))
}

/** A size in bytes: "512 B", "1.4 kB", "3.2 MB". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return ''
  if (bytes < 1000) return `${bytes} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** Thousands separators for counts. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
