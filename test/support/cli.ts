import { Command } from 'commander'
import { vi } from 'vitest'
import type { Config } from '../../src/config.js'

/** Runs `lathe <args>` in-process against `config`; returns what it printed and its exit code. */
export async function runCli(
  config: Config,
  register: (program: Command) => void,
  args: string[],
): Promise<{ out: string; exitCode: number }> {
  const program = new Command('lathe').option('--home <dir>').option('--db <url>').exitOverride()
  register(program)
  const db = config.database.kind === 'postgres' ? ['--db', config.database.url] : []
  const lines: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.join(' '))
  })
  process.exitCode = undefined
  try {
    await program.parseAsync(['node', 'lathe', '--home', config.home, ...db, ...args])
  } finally {
    log.mockRestore()
  }
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return { out: lines.join('\n'), exitCode }
}
