import { Option, type Command } from 'commander'
import { buildServer } from '../../api/server.js'
import { openLathe } from '../../main.js'
import { commandConfig } from '../context.js'

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('start the API server (MLflow-compatible tracking and artifacts)')
    .option('--host <host>', 'address to bind (env LATHE_HOST)', undefined)
    .addOption(new Option('--port <port>', 'port (env LATHE_PORT)').argParser((v) => parsePort(v)))
    .action(async (options: { host?: string; port?: number }, command: Command) => {
      const config = commandConfig(command, options)
      const lathe = await openLathe(config)
      const app = await buildServer(lathe, { logger: process.env.LATHE_LOG === '1' })
      lathe.events.start()
      lathe.pipelines.startBackground()
      const shutdown = async () => {
        await app.close()
        await lathe.close()
        process.exit(0)
      }
      process.once('SIGINT', () => void shutdown())
      process.once('SIGTERM', () => void shutdown())
      const address = await app.listen({ host: config.server.host, port: config.server.port })
      console.log(`Lathe listening on ${address}  (MLFLOW_TRACKING_URI=${address})`)
      console.log(`home: ${config.home}  database: ${config.database.kind}`)
    })
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got '${value}'`)
  return port
}
