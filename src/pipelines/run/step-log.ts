const MAX_LINES = 5000
const TAIL_LINES = 40
const TAIL_CHARS = 4000

/** A step's log: lines kept in memory (bounded), its tail stored with the step run. */
export class StepLog {
  readonly #lines: string[] = []
  #dropped = 0

  /** Appends one line per newline in the parts. */
  append(...parts: unknown[]): void {
    const text = parts.map((p) => (typeof p === 'string' ? p : safeString(p))).join(' ')
    for (const line of text.split('\n')) {
      this.#lines.push(line)
      // Keep the newest lines: on failure the end of a log is what explains it.
      if (this.#lines.length > MAX_LINES) {
        this.#lines.shift()
        this.#dropped++
      }
    }
  }

  get isEmpty(): boolean {
    return this.#lines.length === 0
  }

  /** The whole log as kept, saying how many early lines were dropped. */
  text(): string {
    const head = this.#dropped > 0 ? [`… ${this.#dropped} earlier lines dropped`] : []
    return [...head, ...this.#lines].join('\n')
  }

  /** The last lines, bounded in size, for failure reports. */
  tail(): string {
    const text = this.#lines.slice(-TAIL_LINES).join('\n')
    return text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text
  }
}

function safeString(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
