#!/usr/bin/env node
import { Command, CommanderError } from 'commander'
import { createRequire } from 'node:module'
import { DomainError } from '../shared/errors.js'
import { registerConfigCommand } from './commands/config.js'
import { registerExperimentCommands } from './commands/experiments.js'
import { registerRunCommands } from './commands/runs.js'
import { registerServerCommand } from './commands/server.js'
import { registerAuditCommands } from './commands/audit.js'
import { registerLineageCommand } from './commands/lineage.js'
import { registerDataCommands } from './commands/data.js'
import { registerContractCommands } from './commands/contracts.js'
import { registerModelCommands } from './commands/models.js'
import { registerPipelineCommands } from './commands/pipelines.js'
import { registerWorkerCommand } from './commands/worker.js'
import { registerMonitorCommands } from './commands/monitor.js'
import { registerDeployCommands } from './commands/deploy.js'
import { registerServeCommand } from './commands/serve.js'
import { registerPredictCommand } from './commands/predict.js'
import { registerQuickstartCommand } from './commands/quickstart.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

/** The `lathe` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('lathe')
    .description('Lathe: the machine-learning lifecycle in one install')
    .version(version)
    .option('--home <dir>', 'where Lathe keeps its data (env LATHE_HOME, default ./.lathe)')
    .option(
      '--db <url>',
      'metadata database URL (env LATHE_DATABASE_URL; default SQLite in --home)',
    )
    .showHelpAfterError()
  registerServerCommand(program)
  registerExperimentCommands(program)
  registerRunCommands(program)
  registerConfigCommand(program)
  registerAuditCommands(program)
  registerLineageCommand(program)
  registerDataCommands(program)
  registerContractCommands(program)
  registerModelCommands(program)
  registerPipelineCommands(program)
  registerWorkerCommand(program)
  registerMonitorCommands(program)
  registerDeployCommands(program)
  registerServeCommand(program)
  registerPredictCommand(program)
  registerQuickstartCommand(program)
  return program
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode)
    // Domain errors are written for people; anything else is a bug worth its stack.
    console.error(err instanceof DomainError ? `error: ${err.message}` : err)
    process.exit(err instanceof DomainError ? 2 : 1)
  }
}

await main()
