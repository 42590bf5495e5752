import type { Command } from 'commander'
import { describeConfig } from '../../config.js'
import { commandConfig } from '../context.js'

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description(
      'print the effective configuration (flags > LATHE_* env > lathe.config.json > defaults)',
    )
    .action((_options, command: Command) => {
      console.log(JSON.stringify(describeConfig(commandConfig(command)), null, 2))
    })
}
