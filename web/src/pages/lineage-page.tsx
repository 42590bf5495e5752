import { useEffect, useState } from 'preact/hooks'
import { Link } from '../components/link'
import { LineageGraphView, nodeKey } from '../components/lineage-graph'
import { PageHeader } from '../components/page-header'
import { EmptyState, ErrorState, Loading } from '../components/states'
import { formatTime } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { lineageGraph, type Direction, type LineageGraph, type NodeRef } from '../native-api'
import { navigate, setQuery } from '../router'

const DIRECTIONS: readonly { id: Direction; label: string }[] = [
  { id: 'up', label: 'Upstream' },
  { id: 'both', label: 'Both' },
  { id: 'down', label: 'Downstream' },
]
const DEPTHS = [1, 2, 3, 5, 10, 20]

/**
 * Where the dashboard shows an object of this kind, if it has a page for it. A dataset version's
 * id is opaque: its page needs the name and number its node records.
 */
export function pageOf(
  ref: NodeRef & { attributes?: Record<string, unknown> },
): string | undefined {
  const id = encodeURIComponent(ref.id)
  switch (ref.kind) {
    case 'run':
      return `/runs/${id}`
    case 'experiment':
      return `/experiments/${id}`
    case 'registered_model':
      return `/models/${id}`
    case 'model_version': {
      const slash = ref.id.lastIndexOf('/')
      const name = encodeURIComponent(ref.id.slice(0, slash))
      return `/models/${name}?version=${encodeURIComponent(ref.id.slice(slash + 1))}`
    }
    case 'deployment':
      return `/deployments/${id}`
    case 'pipeline_run':
      return `/pipelines/runs/${id}`
    case 'contract':
      return typeof ref.attributes?.name === 'string'
        ? `/data/contracts/${encodeURIComponent(ref.attributes.name)}`
        : undefined
    case 'dataset_version': {
      const { name, version } = ref.attributes ?? {}
      return typeof name === 'string'
        ? `/data/datasets/${encodeURIComponent(name)}?version=${String(version)}`
        : undefined
    }
    default:
      return undefined
  }
}

export function lineageHref(ref: NodeRef): string {
  return `/lineage/${encodeURIComponent(ref.kind)}/${ref.id.split('/').map(encodeURIComponent).join('/')}`
}

/** The lineage graph around one object (`/lineage/<kind>/<id>`), direction and depth in the URL. */
export function LineagePage({ root, query }: { root: NodeRef; query: URLSearchParams }) {
  const direction = (DIRECTIONS.find((d) => d.id === query.get('direction'))?.id ??
    'both') as Direction
  const depth = DEPTHS.includes(Number(query.get('depth'))) ? Number(query.get('depth')) : 3
  const graph = useAsync(
    (signal) => lineageGraph(root, { direction, depth }, signal),
    [root.kind, root.id, direction, depth],
  )
  useEffect(() => {
    document.title = `Lineage of ${root.kind} ${root.id} · Lathe`
  }, [root.kind, root.id])
  const page = pageOf(root)
  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Lineage', href: '/lineage' }]}
        title={`Lineage of ${root.kind.replace(/_/g, ' ')} ${graph.value?.nodes.find((n) => nodeKey(n) === nodeKey(root))?.label ?? root.id}`}
        actions={
          page && (
            <Link href={page} class="button">
              Open {root.kind}
            </Link>
          )
        }
      />
      <div class="toolbar">
        <div class="segmented" role="group" aria-label="Direction">
          {DIRECTIONS.map((d) => (
            <button
              key={d.id}
              type="button"
              class={d.id === direction ? 'is-active' : ''}
              aria-pressed={d.id === direction}
              onClick={() => setQuery({ direction: d.id === 'both' ? undefined : d.id })}
            >
              {d.label}
            </button>
          ))}
        </div>
        <label class="inline-field">
          Depth
          <select
            class="input small"
            value={depth}
            onChange={(e) => setQuery({ depth: e.currentTarget.value })}
          >
            {DEPTHS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {graph.status === 'loading' && <Loading label="Loading lineage…" />}
      {graph.status === 'error' && (
        <ErrorState error={graph.error} title="Could not load the lineage" retry={graph.reload} />
      )}
      {graph.status === 'ok' && (
        <LineageBody graph={graph.value} selected={query.get('node') ?? undefined} />
      )}
    </>
  )
}

function LineageBody({ graph, selected }: { graph: LineageGraph; selected: string | undefined }) {
  if (graph.edges.length === 0) {
    return (
      <EmptyState title="Nothing is linked to this object yet">
        <p>
          Lineage appears as runs log dataset inputs (<code>mlflow.log_input</code>), produce
          models, and as models are registered and deployed.
        </p>
      </EmptyState>
    )
  }
  const node = graph.nodes.find((n) => nodeKey(n) === selected)
  return (
    <div class="lineage-layout">
      <div class="card">
        <LineageGraphView
          graph={graph}
          selected={selected}
          onSelect={(key) => setQuery({ node: key })}
        />
        {graph.truncated && (
          <p class="muted ln-note">The graph is cut at the server's size limit: lower the depth.</p>
        )}
      </div>
      {node && <NodeDetails node={node} />}
    </div>
  )
}

function NodeDetails({ node }: { node: LineageGraph['nodes'][number] }) {
  const page = pageOf(node)
  const attributes = Object.entries(node.attributes).filter(
    ([, v]) => v !== undefined && v !== null,
  )
  return (
    <section class="card ln-details" aria-label="Selected object">
      <h2>{node.label || node.id}</h2>
      <p class="muted">
        {node.kind.replace(/_/g, ' ')} · <span class="mono">{node.id}</span>
      </p>
      <table class="table compact kv">
        <tbody>
          <tr>
            <th scope="row">Recorded</th>
            <td>{formatTime(node.created_at)}</td>
          </tr>
          {attributes.map(([key, value]) => (
            <tr key={key}>
              <th scope="row" class="mono">
                {key}
              </th>
              <td class="mono wrap">{typeof value === 'string' ? value : JSON.stringify(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="state-actions">
        {page && (
          <Link href={page} class="button">
            Open {node.kind}
          </Link>
        )}
        <Link href={lineageHref(node)} class="button">
          Center the graph here
        </Link>
      </div>
    </section>
  )
}

/** `/lineage` without an object: explain, and offer to open one by kind and id. */
export function LineageStart() {
  const [kind, setKind] = useState('run')
  const [id, setId] = useState('')
  useEffect(() => {
    document.title = 'Lineage · Lathe'
  }, [])
  return (
    <>
      <PageHeader title="Lineage">
        <p class="muted">
          What was made from what: datasets into runs, runs into models, models into deployments.
        </p>
      </PageHeader>
      <EmptyState title="Pick an object to trace">
        <p>Open a run and choose “Lineage”, or enter an object here.</p>
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault()
            if (id.trim()) navigate(lineageHref({ kind, id: id.trim() }))
          }}
        >
          <select
            class="input"
            aria-label="Kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value)}
          >
            {['run', 'dataset', 'logged_model', 'model_version', 'deployment'].map((k) => (
              <option key={k} value={k}>
                {k.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
          <input
            class="input mono"
            aria-label="Id"
            placeholder="id"
            value={id}
            onInput={(e) => setId(e.currentTarget.value)}
          />
          <button type="submit" class="button primary">
            Show lineage
          </button>
        </form>
      </EmptyState>
    </>
  )
}
