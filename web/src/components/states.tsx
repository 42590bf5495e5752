import type { ComponentChildren } from 'preact'
import { ApiError } from '../api'

/** A spinner with a label, for anything that takes longer than a blink. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  )
}

/** Explains a failed load in words, with a way out: retry, or a link elsewhere. */
export function ErrorState({
  error,
  title,
  retry,
  hint,
  children,
}: {
  error: Error
  title?: string
  retry?: () => void
  /** What to try, under the message. */
  hint?: ComponentChildren
  /** More actions beside Retry (links elsewhere). */
  children?: ComponentChildren
}) {
  const isUnreachable = error instanceof ApiError && error.status === 0
  return (
    <div class="state error-state" role="alert">
      {/* An unreachable server is the real problem whatever was being loaded: say that first. */}
      <strong>
        {isUnreachable ? 'The server is not responding' : (title ?? 'Something went wrong')}
      </strong>
      <p class="error-message">{error.message}</p>
      {isUnreachable ? (
        <p class="muted">
          Start it with <code>lathe server</code>, then retry.
        </p>
      ) : (
        hint && <p class="muted">{hint}</p>
      )}
      <div class="state-actions">
        {retry && (
          <button type="button" class="button" onClick={retry}>
            Retry
          </button>
        )}
        {children}
      </div>
    </div>
  )
}

/** What an empty list means and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state empty-state">
      <strong>{title}</strong>
      {children}
    </div>
  )
}

/**
 * The error of a page about one object: a 404 says there is no such object (no retry; the
 * children offer a way back), any other failure is shown with a retry.
 */
export function LoadError({
  error,
  missing,
  failed = 'Could not load it',
  retry,
  children,
}: {
  error: Error
  /** The title when the object does not exist. */
  missing: string
  /** The title of any other failure. */
  failed?: string
  retry: () => void
  children?: ComponentChildren
}) {
  const isMissing = error instanceof ApiError && error.status === 404
  return (
    <ErrorState
      error={error}
      title={isMissing ? missing : failed}
      retry={isMissing ? undefined : retry}
    >
      {children}
    </ErrorState>
  )
}
