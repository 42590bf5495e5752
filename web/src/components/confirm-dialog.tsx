import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'

/**
 * A button that asks before it acts: a modal dialog (the browser's own, so focus stays inside
 * and Escape closes it) with an optional reason, and the server's answer if the action fails.
 */
export function ConfirmButton({
  label,
  title,
  confirmLabel,
  isDanger = false,
  disabled = false,
  withReason = false,
  onConfirm,
  children,
}: {
  label: string
  title: string
  confirmLabel: string
  isDanger?: boolean
  disabled?: boolean
  /** Asks for an optional reason, passed to `onConfirm`. */
  withReason?: boolean
  onConfirm: (reason: string) => Promise<unknown>
  /** What will happen, in words. */
  children: ComponentChildren
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const [isOpen, setOpen] = useState(false)
  const [isBusy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const [reason, setReason] = useState('')
  useEffect(() => {
    if (isOpen) dialog.current?.showModal()
    else dialog.current?.close()
  }, [isOpen])
  const confirm = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await onConfirm(reason.trim())
      setOpen(false)
      setReason('')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button
        type="button"
        class={`button${isDanger ? ' danger-button' : ' primary'}`}
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      <dialog ref={dialog} class="dialog" aria-label={title} onClose={() => setOpen(false)}>
        <form method="dialog" onSubmit={confirm}>
          <h2>{title}</h2>
          <div class="dialog-body">{children}</div>
          {withReason && (
            <label class="field">
              <span>Reason (optional)</span>
              <input
                class="input"
                value={reason}
                maxLength={1000}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            </label>
          )}
          {error && (
            <p class="danger" role="alert">
              {error}
            </p>
          )}
          <div class="dialog-actions">
            <button type="button" class="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="submit"
              class={`button${isDanger ? ' danger-button' : ' primary'}`}
              disabled={isBusy}
            >
              {isBusy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  )
}
