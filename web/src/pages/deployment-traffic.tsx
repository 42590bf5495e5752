import { useEffect, useRef, useState } from 'preact/hooks'
import { ErrorState, Loading } from '../components/states'
import { formatNumber } from '../lib/format'
import { bucketQuantileMs, parseServingMetrics, type VersionCounters } from '../lib/prometheus'
import { servingMetricsText } from '../serving-api'
import { DataTable } from '../components/data-table'

const POLL_MS = 2000

interface Row extends VersionCounters {
  /** Requests per second since the previous scrape; undefined on the first. */
  readonly rps: number | undefined
}

/** Scrapes `/metrics` every two seconds; requests/s is the change between two scrapes. */
function useTraffic(name: string) {
  const [rows, setRows] = useState<Row[] | undefined>()
  const [error, setError] = useState<Error | undefined>()
  const [attempt, setAttempt] = useState(0)
  const previous = useRef<{ atMs: number; byKey: Map<string, number> } | undefined>(undefined)
  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    const scrape = async () => {
      try {
        const counters = parseServingMetrics(await servingMetricsText(controller.signal), name)
        const atMs = performance.now()
        const before = previous.current
        const seconds = before ? (atMs - before.atMs) / 1000 : 0
        setRows(
          counters.map((c) => {
            const key = `${c.version}/${c.variant}`
            const last = before?.byKey.get(key)
            const rps = before && seconds > 0 ? (c.requests - (last ?? 0)) / seconds : undefined
            return { ...c, rps }
          }),
        )
        previous.current = {
          atMs,
          byKey: new Map(counters.map((c) => [`${c.version}/${c.variant}`, c.requests])),
        }
        setError(undefined)
        timer = setTimeout(next, POLL_MS)
      } catch (err) {
        if (!controller.signal.aborted) setError(err as Error)
      }
    }
    // A hidden tab stops scraping; requests/s then spans the gap, which is still right.
    const next = () => {
      if (document.visibilityState === 'visible') void scrape()
      else timer = setTimeout(next, POLL_MS)
    }
    void scrape()
    return () => {
      controller.abort()
      clearTimeout(timer)
    }
  }, [name, attempt])
  return { rows, error, retry: () => setAttempt((a) => a + 1) }
}

function ms(value: number | undefined): string {
  return value === undefined ? '—' : `${formatNumber(Number(value.toPrecision(3)))} ms`
}

/** Requests/s, p50/p99 latency and error rate per version and variant, live. */
export function TrafficTable({ name }: { name: string }) {
  const { rows, error, retry } = useTraffic(name)
  return (
    <section class="section" aria-labelledby="traffic-title">
      <h2 id="traffic-title">Live traffic</h2>
      {error && (
        <ErrorState error={error} title="Could not read the serving metrics" retry={retry} />
      )}
      {!error && !rows && <Loading label="Reading serving metrics…" />}
      {rows && rows.length === 0 && (
        <p class="muted">
          No requests since this server started. Send some to <code>/serve/{name}/invocations</code>
          .
        </p>
      )}
      {rows && rows.length > 0 && (
        <DataTable
          label="Traffic per version"
          columns={[
            'Version',
            'Variant',
            { label: 'Requests', end: true },
            { label: 'Requests/s', end: true },
            { label: 'p50', end: true },
            { label: 'p99', end: true },
            { label: 'Error rate', end: true },
          ]}
        >
          {rows.map((r) => (
            <tr key={`${r.version}/${r.variant}`}>
              <th scope="row" class="mono">
                v{r.version}
              </th>
              <td>{r.variant}</td>
              <td class="end mono">{r.requests}</td>
              <td class="end mono">{r.rps === undefined ? '…' : r.rps.toFixed(1)}</td>
              <td class="end mono">{ms(bucketQuantileMs(r.buckets, 0.5))}</td>
              <td class="end mono">{ms(bucketQuantileMs(r.buckets, 0.99))}</td>
              <td class={`end mono${r.errors > 0 ? ' danger' : ''}`}>
                {r.requests > 0 ? `${((r.errors / r.requests) * 100).toFixed(1)}%` : '—'}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  )
}
