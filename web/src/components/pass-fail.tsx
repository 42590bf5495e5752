/** A verdict badge, green when `ok` and red when not, saying which in the page's words. */
export function PassFail({ ok, yes, no }: { ok: boolean; yes: string; no: string }) {
  return <span class={`badge ${ok ? 'pass' : 'fail'}`}>{ok ? yes : no}</span>
}
