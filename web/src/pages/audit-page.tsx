import { useEffect, useState } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import {
  auditEntries,
  verifyAudit,
  type AuditEntry,
  type AuditFilter,
  type AuditVerification,
} from '../native-api'
import { setQuery } from '../router'
import { pageOf } from './lineage-page'
import { DataTable } from '../components/data-table'

/** Where the dashboard shows the subject of an entry (`run:<id>`), if it has a page for it. */
function subjectHref(subject: string): string | undefined {
  const colon = subject.indexOf(':')
  return pageOf({ kind: subject.slice(0, colon), id: subject.slice(colon + 1) })
}

/** Every page loaded so far ("Load older" appends one), restarting when the filter changes. */
function useAuditPages(filter: AuditFilter) {
  const [older, setOlder] = useState<AuditEntry[]>([])
  const [before, setBefore] = useState<number | undefined>(undefined)
  const key = JSON.stringify(filter)
  useEffect(() => {
    setOlder([])
    setBefore(undefined)
  }, [key])
  const page = useAsync((signal) => auditEntries({ ...filter, before }, signal), [key, before])
  const cursor = page.value?.next_page
  const next = cursor && 'before' in cursor ? cursor.before : undefined
  const loadOlder = () => {
    if (!page.value || next === undefined) return
    setOlder((o) => [...o, ...page.value!.entries])
    setBefore(next)
  }
  const entries = [...older, ...(page.value?.entries ?? [])]
  return { page, entries, hasMore: next !== undefined, loadOlder }
}

/** The hash-chained audit log: who changed what and when, filtered by user, type and subject. */
export function AuditPage({ query }: { query: URLSearchParams }) {
  const filter: AuditFilter = {
    user: query.get('user') ?? undefined,
    type: query.get('type') ?? undefined,
    subjectPrefix: query.get('subject') ?? undefined,
  }
  const { page, entries, hasMore, loadOlder } = useAuditPages(filter)
  useEffect(() => {
    document.title = 'Audit log · Lathe'
  }, [])
  const isFiltered = !!(filter.user || filter.type || filter.subjectPrefix)
  return (
    <>
      <PageHeader title="Audit log" actions={<VerifyButton />}>
        <p class="muted">
          Every change, in order, each entry chained to the one before by its hash.
        </p>
      </PageHeader>
      <AuditFilters filter={filter} />
      {page.status === 'error' && (
        <ErrorState error={page.error} title="Could not load the audit log" retry={page.reload} />
      )}
      {entries.length > 0 && <AuditTable entries={entries} />}
      {page.status === 'loading' && <Loading label="Loading entries…" />}
      {page.status === 'ok' && entries.length === 0 && (
        <EmptyState title={isFiltered ? 'No entry matches these filters' : 'No audit entries yet'}>
          <p>
            Every change to experiments, runs, models and deployments is recorded here as it
            happens.
          </p>
        </EmptyState>
      )}
      {page.status === 'ok' && hasMore && (
        <div class="state-actions center">
          <button type="button" class="button" onClick={loadOlder}>
            Load older entries
          </button>
        </div>
      )}
    </>
  )
}

function AuditFilters({ filter }: { filter: AuditFilter }) {
  const field = (
    name: 'user' | 'type' | 'subject',
    label: string,
    value: string | undefined,
    hint: string,
  ) => (
    <input
      type="search"
      class="input audit-filter"
      name={name}
      aria-label={label}
      placeholder={hint}
      value={value ?? ''}
      onChange={(e) => setQuery({ [name]: e.currentTarget.value.trim() }, { replace: false })}
    />
  )
  return (
    <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
      {field('user', 'Filter by user', filter.user, 'User')}
      {field('type', 'Filter by event type', filter.type, 'Event type, e.g. run.created')}
      {field('subject', 'Filter by subject', filter.subjectPrefix, 'Subject prefix, e.g. run:')}
    </form>
  )
}

function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <DataTable variant="audit-table" columns={['#', 'Time', 'User', 'Event', 'Subject', 'Change']}>
      {entries.map((e) => (
        <AuditRow key={e.seq} entry={e} />
      ))}
    </DataTable>
  )
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const href = subjectHref(entry.subject)
  const change = { before: entry.before, after: entry.after, payload: entry.payload }
  return (
    <tr>
      <td class="mono muted">{entry.seq}</td>
      <td>{formatTime(entry.at)}</td>
      <td>{entry.actor ?? <span class="muted">system</span>}</td>
      <td>
        <span class="badge mono">{entry.type}</span>
      </td>
      <td class="mono wrap">{href ? <Link href={href}>{entry.subject}</Link> : entry.subject}</td>
      <td>
        <details>
          <summary>
            {Object.keys(entry.after ?? entry.payload)
              .slice(0, 4)
              .join(', ') || 'details'}
          </summary>
          <pre class="code-block">{JSON.stringify(change, null, 2)}</pre>
        </details>
      </td>
    </tr>
  )
}

function VerifyButton() {
  const [result, setResult] = useState<AuditVerification | Error | 'running' | undefined>()
  const verify = () => {
    setResult('running')
    verifyAudit().then(setResult, (err: Error) => setResult(err))
  }
  return (
    <div class="verify">
      <button type="button" class="button" onClick={verify} disabled={result === 'running'}>
        Verify the chain
      </button>
      <span role="status" class="muted">
        {result === 'running' && 'Verifying…'}
        {result instanceof Error && <span class="danger">{result.message}</span>}
        {result && typeof result === 'object' && !(result instanceof Error) && (
          <span class={result.valid ? 'ok' : 'danger'}>
            {result.valid
              ? `Intact: ${result.entries.toLocaleString('en-US')} entries verified`
              : `Broken: ${result.problem_count} problems, first: ${result.problems[0]?.message ?? ''}`}
          </span>
        )}
      </span>
    </div>
  )
}
