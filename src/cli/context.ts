import type { Command } from 'commander'
import { loadConfig, type Config } from '../config.js'
import { openLathe, type Lathe } from '../main.js'

/** Options every command takes (`--home` on the root program). */
export interface GlobalOptions {
  readonly home?: string
  readonly db?: string
}

/** The effective configuration for a command, from its flags, env and config file. */
export function commandConfig(
  command: Command,
  extra: { host?: string; port?: number } = {},
): Config {
  const options = command.optsWithGlobals<GlobalOptions>()
  return loadConfig({ home: options.home, databaseUrl: options.db, ...extra })
}

/** Opens Lathe for one command and closes it afterwards, whatever happens. */
export async function withLathe<T>(command: Command, fn: (lathe: Lathe) => Promise<T>): Promise<T> {
  const lathe = await openLathe(commandConfig(command))
  try {
    return await fn(lathe)
  } finally {
    await lathe.close()
  }
}
