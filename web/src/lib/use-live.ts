import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import type { AsyncState } from './use-async'

/**
 * Like useAsync, and while `keepPolling(value)` holds it loads again every `intervalMs` (not
 * while the tab is hidden), keeping the shown value until the new one arrives: live pages (a
 * running pipeline, a deployment's traffic) refresh in place, without a spinner.
 */
export function useLive<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  options: { intervalMs: number; keepPolling: (value: T) => boolean },
): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const isRefresh = useRef(false)
  const latest = useRef(options)
  latest.current = options
  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = async (isFirst: boolean) => {
      // A reload after an action keeps the page up until the fresh value replaces it.
      if (isFirst && !isRefresh.current) setState({ status: 'loading' })
      isRefresh.current = false
      try {
        const value = await load(controller.signal)
        if (controller.signal.aborted) return
        setState({ status: 'ok', value })
        if (latest.current.keepPolling(value)) schedule()
      } catch (err) {
        if (controller.signal.aborted) return
        setState({ status: 'error', error: err instanceof Error ? err : new Error(String(err)) })
      }
    }
    const schedule = () => {
      timer = setTimeout(() => {
        if (document.visibilityState === 'visible') void run(false)
        else schedule()
      }, latest.current.intervalMs)
    }
    void run(true)
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
    // The caller's deps decide when to start again, as with useEffect.
  }, [...deps, attempt])
  const reload = useCallback(() => {
    isRefresh.current = true
    setAttempt((a) => a + 1)
  }, [])
  return { ...state, reload }
}
