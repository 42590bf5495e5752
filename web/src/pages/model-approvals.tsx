import { useState } from 'preact/hooks'
import { formatTime } from '../lib/format'
import { decideApproval, type Approval } from '../registry-api'
import { DataTable } from '../components/data-table'
import { PassFail } from '../components/pass-fail'

/** Approval requests of one model, pending first; each pending one can be decided here. */
export function ApprovalList({
  requests,
  onDecided,
}: {
  requests: readonly Approval[]
  onDecided: () => void
}) {
  const pending = requests.filter((r) => r.status === 'PENDING')
  const decided = requests.filter((r) => r.status !== 'PENDING')
  return (
    <section class="section" aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approval requests</h2>
      {requests.length === 0 && (
        <p class="muted">
          No requests. An alias that needs approval is requested with{' '}
          <code>lathe models request-approval NAME VERSION ALIAS</code>; someone else decides it
          here.
        </p>
      )}
      {pending.map((r) => (
        <PendingRequest key={r.id} request={r} onDecided={onDecided} />
      ))}
      {decided.length > 0 && (
        <DataTable
          label="Decided requests"
          variant="compact"
          columns={['#', 'Request', 'Status', 'Decided by', 'Comment', 'When']}
        >
          {decided.map((r) => (
            <tr key={r.id}>
              <td class="mono muted">{r.id}</td>
              <td>
                v{r.version} as <strong>{r.alias}</strong>{' '}
                <span class="muted">asked by {r.requested_by}</span>
              </td>
              <td>
                <PassFail ok={r.status === 'APPROVED'} yes="approved" no={r.status.toLowerCase()} />
              </td>
              <td>{r.decided_by}</td>
              <td class="wrap">{r.comment ?? ''}</td>
              <td>{formatTime(r.decided_at ?? undefined)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  )
}

function PendingRequest({ request, onDecided }: { request: Approval; onDecided: () => void }) {
  const [comment, setComment] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [isBusy, setBusy] = useState(false)
  const decide = async (decision: 'approve' | 'reject') => {
    if (!comment.trim()) {
      setError(`Write a comment to ${decision} this request: say why.`)
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      await decideApproval(request.id, decision, comment.trim())
      onDecided()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
      setBusy(false)
    }
  }
  const id = `comment-${request.id}`
  return (
    <form
      class="card approval"
      aria-label={`Approval request ${request.id}`}
      onSubmit={(e) => e.preventDefault()}
    >
      <p>
        <span class="badge pending">pending</span> <strong>{request.requested_by}</strong> asks that{' '}
        <strong>v{request.version}</strong> become <strong>{request.alias}</strong>
        <span class="muted"> · {formatTime(request.requested_at)}</span>
      </p>
      <blockquote class="reason">{request.reason}</blockquote>
      <label class="field" for={id}>
        <span>Comment (required)</span>
        <textarea
          id={id}
          class="input"
          rows={2}
          maxLength={5000}
          value={comment}
          aria-invalid={!!error && !comment.trim()}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="danger" role="alert">
          {error}
        </p>
      )}
      <div class="state-actions">
        <button
          type="button"
          class="button primary"
          disabled={isBusy}
          onClick={() => decide('approve')}
        >
          Approve
        </button>
        <button
          type="button"
          class="button danger-button"
          disabled={isBusy}
          onClick={() => decide('reject')}
        >
          Reject
        </button>
      </div>
    </form>
  )
}
