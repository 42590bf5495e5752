import { hostname, networkInterfaces } from 'node:os'

/**
 * The Host header values the server answers (DNS-rebinding defence): loopback names, the bound
 * host, this machine's name, and the configured extras; `*` among the extras turns the check off.
 */
export function allowedHostNames(
  boundHost: string,
  extras: readonly string[],
): Set<string> | undefined {
  if (extras.includes('*')) return undefined
  const names = new Set(
    ['localhost', '127.0.0.1', '::1', boundHost, hostname(), ...extras].map((h) => h.toLowerCase()),
  )
  if (boundHost === '0.0.0.0' || boundHost === '::') {
    for (const list of Object.values(networkInterfaces()))
      for (const address of list ?? []) names.add(address.address.toLowerCase())
  }
  return names
}

/** The host part of a Host header, without port or IPv6 brackets. */
export function hostOf(header: string): string {
  const trimmed = header.trim().toLowerCase()
  if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'))
  const colon = trimmed.lastIndexOf(':')
  return colon > 0 && trimmed.indexOf(':') === colon ? trimmed.slice(0, colon) : trimmed
}
