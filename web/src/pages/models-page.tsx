import { useEffect } from 'preact/hooks'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatAge, formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { approvals, searchModels, type Approval, type RegisteredModel } from '../registry-api'
import { DataTable } from '../components/data-table'

/** Every registered model with its newest version and its aliases. */
export function ModelsPage() {
  const models = useAsync(async (signal) => {
    const [all, pending] = await Promise.all([
      searchModels(signal),
      approvals({ status: 'PENDING' }, signal),
    ])
    return { all, pending }
  }, [])
  useEffect(() => {
    document.title = 'Models · Lathe'
  }, [])
  return (
    <>
      <PageHeader title="Models">
        <p class="muted">
          Registered models, their versions, the aliases serving points at and the gates guarding
          them.
        </p>
      </PageHeader>
      {models.status === 'loading' && <Loading label="Loading models…" />}
      {models.status === 'error' && (
        <ErrorState error={models.error} title="Could not load models" retry={models.reload} />
      )}
      {models.status === 'ok' &&
        (models.value.all.length === 0 ? (
          <NoModels />
        ) : (
          <ModelTable models={models.value.all} pending={models.value.pending} />
        ))}
    </>
  )
}

function NoModels() {
  return (
    <EmptyState title="No registered models yet">
      <p>
        Register a run’s model from MLflow with{' '}
        <code>mlflow.register_model("runs:/RUN_ID/model", "NAME")</code>, or have a pipeline’s
        register step do it.
      </p>
    </EmptyState>
  )
}

function ModelTable({
  models,
  pending,
}: {
  models: readonly RegisteredModel[]
  pending: readonly Approval[]
}) {
  const waiting = (name: string) => pending.filter((a) => a.name === name).length
  const sorted = [...models].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <DataTable columns={['Name', 'Latest version', 'Aliases', 'Updated', 'Description']}>
      {sorted.map((m) => (
        <tr key={m.name}>
          <td>
            <Link href={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
            {waiting(m.name) > 0 && ' '}
            {waiting(m.name) > 0 && (
              <span class="badge pending">{waiting(m.name)} awaiting approval</span>
            )}
          </td>
          <td class="mono">
            {m.latest_versions?.length
              ? Math.max(...m.latest_versions.map((v) => Number(v.version)))
              : '—'}
          </td>
          <td>
            <AliasBadges aliases={m.aliases ?? []} />
          </td>
          <td title={formatTime(m.last_updated_timestamp)}>
            {formatAge(m.last_updated_timestamp)}
          </td>
          <td class="muted clamp">{m.description ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  )
}

/** `champion → v3` badges. */
export function AliasBadges({
  aliases,
}: {
  aliases: readonly { alias: string; version: string }[]
}) {
  if (aliases.length === 0) return <span class="muted">—</span>
  return (
    <span class="badge-list">
      {aliases.map((a) => (
        <span key={a.alias} class="badge alias">
          {a.alias} → v{a.version}
        </span>
      ))}
    </span>
  )
}
