import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Option, type Command } from 'commander'
import Table from 'cli-table3'
import pc from 'picocolors'
import { buildServer } from '../../api/server.js'
import type { Config } from '../../config.js'
import { openLathe, type Lathe } from '../../main.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { commandConfig } from '../context.js'
import { runQuickstart, type Progress, type QuickstartResult } from './quickstart-run.js'

interface QuickstartFlags {
  fresh?: boolean
  serve: boolean
  sabotageRetrain?: boolean
  webhook?: string[]
  host?: string
  port?: number
}

/**
 * Starts clean: removes the embedded database, the local artifact folder and the quickstart's
 * files under the home folder, nothing else. @throws InvalidParameterError on PostgreSQL
 */
function wipeHome(config: Config): void {
  if (config.database.kind !== 'sqlite')
    throw new InvalidParameterError(
      '--fresh removes the embedded SQLite database; with PostgreSQL drop the database yourself',
    )
  const path = config.database.path
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true })
  if (config.artifacts.kind === 'file' && config.artifacts.root.startsWith(config.home))
    rmSync(config.artifacts.root, { recursive: true, force: true })
  rmSync(join(config.home, 'quickstart'), { recursive: true, force: true })
}

/** `''` for the first round in a home, then `-2`, `-3`…: a new round sits beside the old ones. */
async function nextSuffix(lathe: Lathe): Promise<string> {
  const names = new Set((await lathe.serving.deployments.list()).map((d) => d.name))
  if (!names.has('weather')) return ''
  let n = 2
  while (names.has(`weather-${n}`)) n++
  return `-${n}`
}

/** A step list: each stage's line when it starts, its outcome and time when it ends. */
function stepList(): Progress {
  let started = 0
  return {
    start(stage) {
      started = Date.now()
      process.stdout.write(`${pc.cyan('…')} ${stage}\n`)
    },
    done(stage, outcome) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      console.log(`${pc.green('✔')} ${stage} ${pc.dim(`(${seconds} s)`)}\n    ${outcome}`)
    },
  }
}

function printSummary(result: QuickstartResult, config: Config): void {
  const table = new Table({
    head: ['stage', 'outcome'],
    style: { head: ['cyan'] },
    colWidths: [34, 90],
    wordWrap: true,
  })
  for (const s of result.stages) table.push([s.stage, s.outcome])
  console.log(table.toString())
  const home = `--home ${config.home}`
  console.log(`
Where to look:
  serving model lineage   npx lathe ${home} lineage model_version ${result.model}/${result.championAfter}
  which approvals         npx lathe ${home} models approvals --name ${result.model}
  drift → retraining      npx lathe ${home} lineage deployment ${result.deployment}
  monitor series          npx lathe ${home} monitor status ${result.deployment}
  audit trail             npx lathe ${home} audit log --model ${result.model}
  alert actions           npx lathe ${home} audit log --type alert.fired alert.action_taken
  HTTP                    /api/v1/monitors/${result.monitors.drift}/results?metric=drift.share
                          /api/v1/alerts/actions`)
}

export function registerQuickstartCommand(program: Command): void {
  program
    .command('quickstart')
    .description(
      'run the whole loop on Seattle/New York weather: data, training, gates, deploy, drift, retraining, canary',
    )
    .option(
      '--fresh',
      "start clean: remove this home folder's database and artifacts first (default: continue beside earlier rounds)",
    )
    .option('--no-serve', 'exit when done instead of serving the dashboard')
    .option(
      '--sabotage-retrain',
      'retrain on shuffled labels, so the gates must stop the new version',
    )
    .option('--webhook <url...>', 'also deliver the alert to these URLs')
    .option('--host <host>', 'address to serve on afterwards (env LATHE_HOST)')
    .addOption(
      new Option('--port <port>', 'port to serve on afterwards (env LATHE_PORT)').argParser(Number),
    )
    .action(async (flags: QuickstartFlags, command: Command) => {
      const config = commandConfig(command, { host: flags.host, port: flags.port })
      if (flags.fresh && existsSync(config.home)) wipeHome(config)
      const lathe = await openLathe(config)
      const app = await buildServer(lathe)
      let serving = false
      try {
        const suffix = await nextSuffix(lathe)
        console.log(
          `Lathe quickstart in ${config.home}${suffix ? ` (round ${suffix.slice(1)})` : ''}\n`,
        )
        const result = await runQuickstart(
          lathe,
          app,
          {
            workDir: join(config.home, 'quickstart'),
            suffix,
            sabotageRetrain: flags.sabotageRetrain,
            webhooks: flags.webhook,
          },
          stepList(),
        )
        printSummary(result, config)
        if (flags.serve) {
          lathe.events.start()
          lathe.pipelines.startBackground()
          lathe.monitoring.scheduler.start(30_000)
          const address = await app.listen({ host: config.server.host, port: config.server.port })
          console.log(`\nDashboard: ${address}/  (Ctrl-C to stop)`)
          serving = true
          const shutdown = async () => {
            await app.close()
            await lathe.close()
            process.exit(0)
          }
          process.once('SIGINT', () => void shutdown())
          process.once('SIGTERM', () => void shutdown())
        }
      } finally {
        if (!serving) {
          await app.close()
          await lathe.close()
        }
      }
    })
}
