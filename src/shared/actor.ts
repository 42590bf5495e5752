import { AsyncLocalStorage } from 'node:async_hooks'
import { userInfo } from 'node:os'

/**
 * Who is acting. Until access control lands this is the name the client gives (MLflow's
 * `user_id` / `mlflow.user`, the `X-Lathe-User` header, or the OS user for the CLI); it is set
 * here, in one place, so tokens can replace it later.
 */
const current = new AsyncLocalStorage<string>()

/** Runs `fn` with `actor` as the acting user for everything it awaits. */
export function runAs<T>(actor: string, fn: () => T): T {
  return current.run(actor, fn)
}

/** The acting user, or the OS user when nothing set one (CLI and in-process use). */
export function currentActor(): string {
  return current.getStore() ?? osUser()
}

let cachedOsUser: string | undefined
function osUser(): string {
  if (cachedOsUser === undefined) {
    try {
      cachedOsUser = userInfo().username
    } catch {
      cachedOsUser = 'unknown'
    }
  }
  return cachedOsUser
}
