import { useEffect } from 'preact/hooks'
import { ConfirmButton } from '../components/confirm-dialog'
import { Link } from '../components/link'
import { PageHeader } from '../components/page-header'
import { LoadError, Loading } from '../components/states'
import { formatTime } from '../lib/format'
import { useLive } from '../lib/use-live'
import {
  decideRelease,
  deployment,
  describeTarget,
  releases,
  type Deployment,
  type Release,
} from '../serving-api'
import { releaseSummary } from './deployments-page'
import { TrafficTable } from './deployment-traffic'
import { DataTable } from '../components/data-table'
import { PassFail } from '../components/pass-fail'

async function load(name: string, signal: AbortSignal) {
  const [d, history] = await Promise.all([deployment(name, signal), releases(name, signal)])
  return { deployment: d, releases: history }
}

/** One deployment: strategy, traffic split, live per-version traffic, promote and roll back. */
export function DeploymentPage({ name }: { name: string }) {
  // A release in progress moves by itself (the controller ramps or rolls it back): follow it.
  const state = useLive((signal) => load(name, signal), [name], {
    intervalMs: 3000,
    keepPolling: (v) => v.deployment.release?.status === 'progressing',
  })
  useEffect(() => {
    document.title = `${name} · Deployments · Lathe`
  }, [name])
  const crumbs = [{ label: 'Deployments', href: '/deployments' }]
  if (state.status === 'loading') return <Loading label="Loading the deployment…" />
  if (state.status === 'error') {
    return (
      <>
        <PageHeader crumbs={crumbs} title={name} />
        <LoadError
          error={state.error}
          missing={`There is no deployment named “${name}”`}
          retry={state.reload}
        >
          <Link href="/deployments" class="button">
            All deployments
          </Link>
        </LoadError>
      </>
    )
  }
  const d = state.value.deployment
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={d.name}
        actions={<Decisions deployment={d} onDone={state.reload} />}
      >
        <div class="meta-row">
          <span>
            Model <Link href={`/models/${encodeURIComponent(d.model)}`}>{d.model}</Link>{' '}
            <span class="muted">({describeTarget(d.target)})</span>
          </span>
          <span>Strategy {d.strategy}</span>
          <Link href={`/monitoring/${encodeURIComponent(d.name)}`}>Monitoring</Link>
          <Link href={`/lineage/deployment/${encodeURIComponent(d.name)}`}>Lineage</Link>
        </div>
        {d.serving.error && <p class="danger">Not serving: {d.serving.error}</p>}
      </PageHeader>
      <TrafficSplit deployment={d} />
      <ReleaseSettings deployment={d} />
      <TrafficTable name={d.name} />
      <ReleaseHistory releases={state.value.releases} />
    </>
  )
}

function Decisions({ deployment: d, onDone }: { deployment: Deployment; onDone: () => void }) {
  const isProgressing = d.release?.status === 'progressing'
  const canRollBack = isProgressing || d.previous_version !== null
  const target = isProgressing ? (d.release?.stable_version ?? d.version) : d.previous_version
  return (
    <>
      <ConfirmButton
        label="Promote"
        title={`Promote ${d.name}?`}
        confirmLabel="Promote"
        disabled={!isProgressing}
        withReason
        onConfirm={async (reason) => {
          await decideRelease(d.name, 'promote', reason)
          onDone()
        }}
      >
        <p>
          v{d.release?.candidate_version} will answer all of {d.name}’s traffic at once, ending the{' '}
          {d.release?.strategy} release.
        </p>
      </ConfirmButton>
      <ConfirmButton
        label="Roll back"
        title={`Roll back ${d.name}?`}
        confirmLabel="Roll back"
        isDanger
        disabled={!canRollBack}
        withReason
        onConfirm={async (reason) => {
          await decideRelease(d.name, 'rollback', reason)
          onDone()
        }}
      >
        <p>
          v{target} will answer all of {d.name}’s traffic again
          {isProgressing && `, and v${d.release?.candidate_version} stops at once`}.
        </p>
      </ConfirmButton>
    </>
  )
}

function TrafficSplit({ deployment: d }: { deployment: Deployment }) {
  const r = d.release?.status === 'progressing' ? d.release : undefined
  const stable = r?.stable_version ?? d.version
  const shadow = r?.strategy === 'shadow'
  const candidateShare = r && !shadow ? r.weight : 0
  return (
    <section class="section" aria-labelledby="split-title">
      <h2 id="split-title">Traffic split</h2>
      <div class="card padded">
        <p class="mono">{releaseSummary(d)}</p>
        <div
          class="split-bar"
          role="img"
          aria-label={`Traffic: v${stable} ${100 - candidateShare}%${r ? `, v${r.candidate_version} ${shadow ? 'shadow' : `${candidateShare}%`}` : ''}`}
        >
          <span class="split-stable" style={{ width: `${100 - candidateShare}%` }}>
            v{stable} · {100 - candidateShare}%
          </span>
          {candidateShare > 0 && (
            <span class="split-candidate" style={{ width: `${candidateShare}%` }}>
              v{r!.candidate_version} · {candidateShare}%
            </span>
          )}
        </div>
        {shadow && r && (
          <p class="muted">
            v{r.candidate_version} scores a copy of the traffic; its answers are not returned.
          </p>
        )}
        {r && r.gates.length > 0 && (
          <ul class="gate-list">
            {r.gates.map((g) => (
              <li key={`${g.gate}-${g.at}`}>
                <PassFail ok={g.passed} yes="pass" no="fail" /> {g.gate}{' '}
                <span class="muted">{g.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}

/** How releases move: the canary's steps and the SLOs that roll a release back. */
function ReleaseSettings({ deployment: d }: { deployment: Deployment }) {
  const { canary, shadow, analysis } = d.config
  const slos = [
    analysis?.max_error_rate !== undefined && `error rate ≤ ${analysis.max_error_rate * 100}%`,
    analysis?.max_p99_ms !== undefined && `p99 ≤ ${analysis.max_p99_ms} ms`,
    analysis?.max_drift !== undefined && `prediction drift ≤ ${analysis.max_drift}`,
  ].filter(Boolean)
  return (
    <dl class="summary card padded section" aria-label="Release settings">
      <dt>Canary steps</dt>
      <dd>
        {canary?.steps?.map((w) => `${w}%`).join(' → ') ?? '—'}
        {canary?.step_seconds !== undefined && ` every ${canary.step_seconds} s`}
      </dd>
      <dt>Shadow sample</dt>
      <dd>{shadow?.sample_rate !== undefined ? `${shadow.sample_rate * 100}%` : '—'}</dd>
      <dt>Rolls back when not</dt>
      <dd>
        {slos.join(', ') || '—'}
        {analysis?.window_seconds !== undefined && ` over ${analysis.window_seconds} s`}
      </dd>
    </dl>
  )
}

function ReleaseHistory({ releases }: { releases: readonly Release[] }) {
  return (
    <section class="section" aria-labelledby="releases-title">
      <h2 id="releases-title">Releases</h2>
      {releases.length === 0 ? (
        <p class="muted">
          No releases yet. Start one with <code>lathe deploy release NAME --version N</code>.
        </p>
      ) : (
        <DataTable
          label="Releases"
          variant="compact"
          columns={['Started', 'Strategy', 'Versions', 'Status', 'Reason', 'By']}
        >
          {releases.map((r) => (
            <tr key={r.id}>
              <td>{formatTime(r.created_at)}</td>
              <td>{r.strategy}</td>
              <td class="mono">
                {r.stable_version === null ? '—' : `v${r.stable_version}`} → v{r.candidate_version}
              </td>
              <td>
                <span class={`badge release-${r.status}`}>{r.status.replace('_', ' ')}</span>
              </td>
              <td class="wrap">{r.reason ?? ''}</td>
              <td>{r.created_by}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  )
}
