import type { Command } from 'commander'
import { InvalidParameterError } from '../../shared/errors.js'
import { openLathe } from '../../main.js'
import { commandConfig } from '../context.js'
import { positive } from './pipelines-flags.js'

/**
 * `lathe worker`: runs steps of distributed pipeline runs, pulled from PostgreSQL, until stopped.
 * Any number of workers on any machines share the work; it also fires schedules and triggers.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run pipeline steps from the PostgreSQL queue (needs LATHE_DATABASE_URL=postgres://…)',
    )
    .option('-c, --concurrency <n>', 'steps at once', positive('--concurrency'), 4)
    .option(
      '--lease-ms <ms>',
      'how long a step stays claimed without a heartbeat',
      positive('--lease-ms'),
      30_000,
    )
    .action(async (flags: { concurrency: number; leaseMs: number }, command: Command) => {
      const config = commandConfig(command)
      if (config.database.kind !== 'postgres')
        throw new InvalidParameterError(
          'lathe worker needs PostgreSQL: set LATHE_DATABASE_URL=postgres://… (or --db)',
        )
      const lathe = await openLathe(config)
      const onError = (err: unknown) =>
        console.error(`worker: ${(err as Error).message ?? String(err)}`)
      const worker = await lathe.pipelines.worker({
        concurrency: flags.concurrency,
        leaseMs: flags.leaseMs,
        onError,
      })
      worker.start()
      lathe.pipelines.startBackground(1000, onError)
      lathe.events.start()
      console.log(`Worker ${worker.id} pulling pipeline steps (concurrency ${flags.concurrency})`)
      const shutdown = async () => {
        await worker.stop()
        await lathe.close()
        process.exit(0)
      }
      process.once('SIGINT', () => void shutdown())
      process.once('SIGTERM', () => void shutdown())
    })
}
