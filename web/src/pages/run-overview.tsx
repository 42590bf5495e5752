import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { metricValue, type DatasetInput, type KeyValue, type Run } from '../api'
import { formatNumber, formatTime } from '../lib/format'

/** Params, latest metrics, dataset inputs and tags of one run. */
export function RunOverview({ run }: { run: Run }) {
  const tags = run.data?.tags ?? []
  const isSystem = (t: KeyValue) => /^(mlflow|lathe)\./.test(t.key)
  return (
    <div class="overview-grid">
      <KeyValueCard
        title="Parameters"
        items={run.data?.params ?? []}
        empty="No parameters logged."
      />
      <MetricsCard run={run} />
      <InputsCard inputs={run.inputs?.dataset_inputs ?? []} />
      <KeyValueCard title="Tags" items={tags.filter((t) => !isSystem(t))} empty="No tags.">
        {tags.some(isSystem) && (
          <details>
            <summary>System tags ({tags.filter(isSystem).length})</summary>
            <KeyValueTable items={tags.filter(isSystem)} />
          </details>
        )}
      </KeyValueCard>
    </div>
  )
}

function KeyValueCard({
  title,
  items,
  empty,
  children,
}: {
  title: string
  items: readonly KeyValue[]
  empty: string
  children?: ComponentChildren
}) {
  const [filter, setFilter] = useState('')
  const visible = items.filter((i) =>
    `${i.key} ${i.value}`.toLowerCase().includes(filter.toLowerCase()),
  )
  return (
    <section class="card" aria-label={title}>
      <div class="card-head">
        <h2>
          {title} <span class="muted">{items.length}</span>
        </h2>
        {items.length > 10 && (
          <input
            type="search"
            class="input small"
            placeholder="Filter"
            aria-label={`Filter ${title.toLowerCase()}`}
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
        )}
      </div>
      {items.length === 0 ? <p class="muted">{empty}</p> : <KeyValueTable items={visible} />}
      {children}
    </section>
  )
}

function KeyValueTable({ items }: { items: readonly KeyValue[] }) {
  return (
    <table class="table compact kv">
      <tbody>
        {[...items]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((item) => (
            <tr key={item.key}>
              <th scope="row" class="mono">
                {item.key}
              </th>
              <td class="mono wrap">{item.value}</td>
            </tr>
          ))}
      </tbody>
    </table>
  )
}

function MetricsCard({ run }: { run: Run }) {
  const metrics = [...(run.data?.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key))
  return (
    <section class="card" aria-label="Metrics">
      <div class="card-head">
        <h2>
          Metrics <span class="muted">{metrics.length}</span>
        </h2>
      </div>
      {metrics.length === 0 ? (
        <p class="muted">No metrics logged.</p>
      ) : (
        <table class="table compact kv">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col" class="end">
                Latest
              </th>
              <th scope="col" class="end">
                Step
              </th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((m) => (
              <tr key={m.key}>
                <th scope="row" class="mono">
                  {m.key}
                </th>
                <td class="end mono" title={formatTime(m.timestamp)}>
                  {formatNumber(metricValue(m))}
                </td>
                <td class="end mono">{m.step ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** MLflow stores a dataset schema as `{"mlflow_colspec": [{name, type}]}`. */
function schemaColumns(schema: string | undefined): { name: string; type: string }[] {
  if (!schema) return []
  try {
    const parsed = JSON.parse(schema) as { mlflow_colspec?: { name?: string; type?: string }[] }
    return (parsed.mlflow_colspec ?? []).map((c, i) => ({
      name: c.name ?? `#${i}`,
      type: c.type ?? '',
    }))
  } catch {
    return []
  }
}

function InputsCard({ inputs }: { inputs: readonly DatasetInput[] }) {
  return (
    <section class="card" aria-label="Inputs">
      <div class="card-head">
        <h2>
          Inputs <span class="muted">{inputs.length}</span>
        </h2>
      </div>
      {inputs.length === 0 && (
        <p class="muted">
          No dataset versions recorded. <code>mlflow.log_input(dataset)</code> records one.
        </p>
      )}
      {inputs.map(({ dataset, tags }) => {
        const context = tags?.find((t) => t.key === 'mlflow.data.context')?.value
        const columns = schemaColumns(dataset.schema)
        return (
          <div class="dataset" key={`${dataset.name}@${dataset.digest}`}>
            <div>
              <strong>{dataset.name}</strong> <span class="mono muted">@{dataset.digest}</span>
              {context && <span class="badge">{context}</span>}
            </div>
            {dataset.source && (
              <div class="muted mono wrap">
                {dataset.source_type ? `${dataset.source_type}: ` : ''}
                {dataset.source}
              </div>
            )}
            {columns.length > 0 && (
              <div class="muted">
                {columns.length} columns:{' '}
                <span class="mono">{columns.map((c) => `${c.name} (${c.type})`).join(', ')}</span>
              </div>
            )}
          </div>
        )
      })}
    </section>
  )
}
