import type { Command } from 'commander'
import { formatTime, printRows } from '../output.js'
import { withLathe } from '../context.js'

export function registerExperimentCommands(program: Command): void {
  const experiments = program.command('experiments').description('list and create experiments')
  experiments
    .command('list')
    .description('list experiments')
    .option('--all', 'include deleted experiments')
    .option('--json', 'print JSON')
    .action(async (options: { all?: boolean; json?: boolean }, command: Command) =>
      withLathe(command, async ({ tracking }) => {
        const page = await tracking.experiments.search({
          viewType: options.all ? 'ALL' : 'ACTIVE_ONLY',
          maxResults: 50_000,
        })
        printRows(
          page.items,
          [
            { header: 'id', value: (e) => e.experimentId },
            { header: 'name', value: (e) => e.name },
            { header: 'stage', value: (e) => e.lifecycleStage },
            { header: 'created', value: (e) => formatTime(e.creationTime) },
            { header: 'artifact location', value: (e) => e.artifactLocation },
          ],
          {
            json: options.json,
            empty: 'No experiments yet: create one with `lathe experiments create NAME`.',
          },
        )
      }),
    )
  experiments
    .command('create <name>')
    .description('create an experiment')
    .option('--artifact-location <uri>', 'mlflow-artifacts:/<path> inside the artifact store')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        options: { artifactLocation?: string; json?: boolean },
        command: Command,
      ) =>
        withLathe(command, async ({ tracking }) => {
          const id = await tracking.experiments.create({
            name,
            artifactLocation: options.artifactLocation,
          })
          console.log(
            options.json
              ? JSON.stringify({ experiment_id: id })
              : `Created experiment '${name}' with id ${id}`,
          )
        }),
    )
}
