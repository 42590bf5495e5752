/**
 * Runs `attempt` again when it lost a race on a unique index (two writers took the same next
 * version number): the loser reads the winner's row and numbers after it. Other errors pass.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (err) {
      if (i >= tries || !isUniqueViolation(err)) throw err
    }
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown }
  // PostgreSQL's unique_violation, SQLite's SQLITE_CONSTRAINT_PRIMARYKEY/UNIQUE.
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
}
