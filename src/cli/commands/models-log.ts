import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { Command } from 'commander'
import type { Lathe } from '../../main.js'
import { checkExternalModel, writeModelPackage } from '../../models/index.js'
import { AlreadyExistsError, InvalidParameterError } from '../../shared/errors.js'
import { withLathe } from '../context.js'
import { printPairs } from '../output.js'

interface LogOptions {
  signature?: string
  inputExample?: string
  run?: string
  experiment: string
  runName?: string
  dataset?: string[]
  target?: string
  artifactPath: string
  register?: string
  json?: boolean
}

/** What `lathe models log` did. */
interface Logged {
  readonly runId: string
  readonly modelUri: string
  readonly signature: unknown
  readonly datasets: string[]
  readonly registered?: { readonly name: string; readonly version: number } | undefined
}

async function readBytes(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (cause) {
    throw new InvalidParameterError(
      `${flag}: cannot read '${path}' (${(cause as Error).message})`,
      {
        cause,
      },
    )
  }
}

/** A JSON flag: inline JSON (starting with `{` or `[`) or the path of a JSON file. */
async function readJson(value: string | undefined, flag: string): Promise<unknown> {
  if (value === undefined) return undefined
  const text = /^\s*[[{]/.test(value) ? value : (await readBytes(value, flag)).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new InvalidParameterError(`${flag} is not valid JSON: ${(cause as Error).message}`, {
      cause,
    })
  }
}

/** `lathe models log FILE.onnx`: an ONNX model exported elsewhere, logged as a model package. */
export function registerLog(models: Command): void {
  models
    .command('log <file>')
    .description(
      'log an ONNX file (from scikit-learn, XGBoost, LightGBM, PyTorch…) into a run as a model package, checking its signature and input example; optionally register it',
    )
    .option(
      '--signature <json|file>',
      'MLflow signature {"inputs": [...], "outputs": [...]}; default: read from the graph',
    )
    .option('--input-example <json|file>', 'example rows: a list of records or {"columns", "data"}')
    .option('--run <run-id>', 'log into this run (default: a new run)')
    .option('--experiment <id>', 'the experiment of the new run', '0')
    .option('--run-name <name>', 'the name of the new run')
    .option(
      '--dataset <ref>',
      'a stored dataset version it was trained on (name, name:3, name@alias), logged as the run’s input (repeatable)',
      (value: string, list: string[] | undefined) => [...(list ?? []), value],
    )
    .option('--target <column>', 'the label column it predicts (default target of evaluations)')
    .option('--artifact-path <path>', 'where in the run’s artifacts', 'model')
    .option(
      '--register <name>',
      'register it as the next version of this model (created if missing)',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, options: LogOptions, command: Command) => {
      // Everything the caller gave is checked before anything is written.
      const checked = await checkExternalModel({
        onnx: await readBytes(file, 'FILE'),
        signature: await readJson(options.signature, '--signature'),
        inputExample: await readJson(options.inputExample, '--input-example'),
      })
      await withLathe(command, async (lathe) => {
        const logged = await logModel(lathe, checked, options)
        if (options.json) return console.log(JSON.stringify(logged, null, 2))
        printPairs('logged model', [
          ['run', logged.runId],
          ['model uri', logged.modelUri],
          ['datasets', logged.datasets.join(', ')],
          [
            'registered',
            logged.registered && `${logged.registered.name} v${logged.registered.version}`,
          ],
        ])
      })
    })
}

async function logModel(
  lathe: Lathe,
  checked: Awaited<ReturnType<typeof checkExternalModel>>,
  options: LogOptions,
): Promise<Logged> {
  const { tracking, data, registry, clock } = lathe
  const path = options.artifactPath.replace(/^\/+|\/+$/g, '')
  if (!path) throw new InvalidParameterError('--artifact-path must not be empty')
  const versions = await Promise.all((options.dataset ?? []).map((ref) => data.datasets.get(ref)))
  const runId = options.run
    ? (await tracking.runs.get(options.run)).info.runId
    : (await tracking.runs.create({ experimentId: options.experiment, runName: options.runName }))
        .info.runId
  for (const version of versions) {
    await data.runs.logInput(runId, `${version.name}:${version.version}`, 'training')
  }
  const files = writeModelPackage({
    ...checked,
    runId,
    target: options.target,
    datasets: versions.map((v) => ({ name: v.name, digest: v.digest })),
    metrics: {},
    createdAtMs: clock.nowMs(),
  })
  for (const [name, bytes] of files) {
    await tracking.artifacts.put(runId, `${path}/${name}`, Readable.from([Buffer.from(bytes)]))
  }
  if (!options.run)
    await tracking.runs.update(runId, { status: 'FINISHED', endTime: clock.nowMs() })
  const modelUri = `runs:/${runId}/${path}`
  let registered: Logged['registered']
  if (options.register) {
    const name = options.register
    await registry.models.create({ name }).catch((err: unknown) => {
      if (!(err instanceof AlreadyExistsError)) throw err
    })
    const version = await registry.versions.create({ name, source: modelUri, runId })
    registered = { name, version: version.version }
  }
  return {
    runId,
    modelUri,
    signature: checked.signature,
    datasets: versions.map((v) => `${v.name}:${v.version}`),
    registered,
  }
}
