import { useCallback, useEffect, useState } from 'preact/hooks'

/** The state of one asynchronous load. */
export type AsyncState<T> =
  | { readonly status: 'loading'; readonly value?: undefined; readonly error?: undefined }
  | { readonly status: 'ok'; readonly value: T; readonly error?: undefined }
  | { readonly status: 'error'; readonly value?: undefined; readonly error: Error }

/**
 * Runs `load` whenever `deps` change, aborting the previous load, and returns its state plus
 * a `reload` for retry buttons.
 */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    const controller = new AbortController()
    setState({ status: 'loading' })
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setState({ status: 'ok', value })
      },
      (err: unknown) => {
        if (controller.signal.aborted) return
        setState({ status: 'error', error: err instanceof Error ? err : new Error(String(err)) })
      },
    )
    return () => controller.abort()
    // The caller's deps decide when to load again, as with useEffect.
  }, [...deps, attempt])
  const reload = useCallback(() => setAttempt((a) => a + 1), [])
  return { ...state, reload }
}
