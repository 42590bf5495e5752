import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import type { Lathe } from '../../main.js'
import { InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { printPairs } from '../output.js'
import { parseModelRef } from './deploy.js'

interface PredictOptions {
  model: string
  input?: string
  dataset?: string
  output: string
  chunkRows: string
  progress: boolean
  json?: boolean
}

/** A progress bar started on the first report (when the total is known), or none. */
function progress(enabled: boolean) {
  const bar = enabled
    ? new cliProgress.SingleBar(
        { noTTYOutput: true, format: 'scoring [{bar}] {value}/{total} rows' },
        cliProgress.Presets.shades_classic,
      )
    : undefined
  let started = false
  return {
    update(done: number, total: number) {
      if (!started) bar?.start(total, 0)
      started = true
      bar?.update(done)
    },
    stop: () => bar?.stop(),
  }
}

async function predict(lathe: Lathe, o: PredictOptions): Promise<void> {
  if (!o.output.endsWith('.parquet')) {
    throw new InvalidParameterError(`--output must be a .parquet file, got '${o.output}'`)
  }
  const chunkRows = Number(o.chunkRows)
  if (!Number.isInteger(chunkRows) || chunkRows < 1) {
    throw new InvalidParameterError(`--chunk-rows must be a positive integer, got '${o.chunkRows}'`)
  }
  const bar = progress(o.progress && !o.json)
  const { input, dataset, output } = o
  const result = await lathe.serving.batch
    .score({ ...parseModelRef(o.model), input, dataset, output, chunkRows, onProgress: bar.update })
    .finally(bar.stop)
  await lathe.lineage.drain()
  if (o.json) return console.log(JSON.stringify(result, null, 2))
  printPairs('batch prediction', [
    ['id', result.id],
    ['model', `${result.model} version ${result.version}`],
    ['input', result.input],
    ['rows', result.rows],
    ['output', result.output],
  ])
}

/** `lathe predict`: batch scoring of a file or a stored dataset version, in streaming chunks. */
export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description(
      'score a file of any size with a registered model, in streaming chunks, to Parquet',
    )
    .requiredOption('--model <ref>', 'NAME@alias, NAME/VERSION, or NAME (uses @champion)')
    .option('--input <file>', 'CSV, Parquet or JSON Lines file to score')
    .option('--dataset <ref>', 'or a stored dataset version: name, name:3, name@golden')
    .requiredOption('--output <file>', 'where to write the scored rows (.parquet)')
    .option('--chunk-rows <n>', 'rows per scoring call', '10000')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action(async (o: PredictOptions, command: Command) =>
      withLathe(command, (lathe) => predict(lathe, o)),
    )
}
