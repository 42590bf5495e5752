import { Option, type Command } from 'commander'
import { buildServingServer } from '../../api/routes/serving-server.js'
import { openLathe } from '../../main.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { commandConfig } from '../context.js'

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidParameterError(`--port must be 0-65535, got '${value}'`)
  }
  return port
}

function parseMaxInFlight(value: string): number {
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidParameterError(`--max-in-flight must be a positive integer, got '${value}'`)
  }
  return limit
}

interface ServeOptions {
  host?: string
  port?: number
  maxInFlight?: number
}

/** `lathe serve`: a serving-only process (inference endpoints and /metrics, no UI). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve deployments only (no UI, no tracking API): run many behind a load balancer')
    .option('--host <host>', 'address to bind (env LATHE_HOST)')
    .addOption(new Option('--port <port>', 'port (env LATHE_PORT)').argParser(parsePort))
    .addOption(
      new Option(
        '--max-in-flight <n>',
        'scoring requests run at once at most; more get 503 (default 1024)',
      ).argParser(parseMaxInFlight),
    )
    .action(async (options: ServeOptions, command: Command) => {
      const config = commandConfig(command, options)
      const lathe = await openLathe(config)
      if (options.maxInFlight !== undefined) lathe.serving.maxInFlight = options.maxInFlight
      const app = await buildServingServer(lathe, { logger: process.env.LATHE_LOG === '1' })
      // The outbox drives hot reload: alias moves and deployment changes made anywhere.
      lathe.events.start()
      const shutdown = async () => {
        await app.close()
        await lathe.close()
        process.exit(0)
      }
      process.once('SIGINT', () => void shutdown())
      process.once('SIGTERM', () => void shutdown())
      const address = await app.listen({ host: config.server.host, port: config.server.port })
      const names = lathe.serving.runtime.list().map((d) => d.spec.name)
      console.log(
        `Lathe serving on ${address}  (${names.length} deployments: ${names.join(', ') || 'none yet'})`,
      )
      for (const [name, error] of lathe.serving.loadErrors)
        console.log(`  ${name}: not loaded: ${error}`)
    })
}
