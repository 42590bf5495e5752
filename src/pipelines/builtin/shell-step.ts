import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { z } from 'zod'
import type { BuiltinKind } from '../definition/builtin-kind.js'
import type { ArtifactRef } from '../definition/artifact-ref.js'
import type { StepContext } from '../definition/step-context.js'
import { ArtifactRefSchema, Scalar } from './parse-config.js'

const Config = z.strictObject({
  /** Run by `/bin/sh -c`; `{{inputs.NAME}}` and `{{outputs.dir}}` are replaced by paths. */
  command: z.string().min(1, 'must not be empty'),
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).default({}),
  /** Artifacts arrive as files (their paths), other values as text. */
  inputs: z
    .record(
      z.string().regex(/^\w+$/, 'input names are letters, digits and _'),
      z.union([ArtifactRefSchema, Scalar]),
    )
    .default({}),
  /** Output name → file the command writes in the output folder. */
  outputs: z.record(z.string().regex(/^\w+$/), z.string().min(1)).default({}),
})
type Config = z.output<typeof Config>

/** What a shell step returns: the JSON it left in `outputs.json`, and its declared files. */
export type ShellOutput = Record<string, unknown>

const MAX_CAPTURE_BYTES = 8 * 1024 * 1024

/** Single-quotes a path for `sh`. */
function quote(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`
}

function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_')
}

async function placeInputs(ctx: StepContext, config: Config) {
  const values: Record<string, string> = {}
  for (const [name, value] of Object.entries(config.inputs)) {
    if (typeof value === 'object') {
      const ref = value as ArtifactRef
      values[name] = await ctx.artifactPath(ref)
    } else values[name] = String(value)
  }
  return values
}

function expand(command: string, inputs: Record<string, string>, outDir: string, step: string) {
  return command.replace(
    /\{\{\s*(inputs\.(\w+)|outputs\.dir)\s*\}\}/g,
    (_m, _all, input?: string) => {
      if (input === undefined) return quote(outDir)
      const value = inputs[input]
      if (value === undefined)
        throw new Error(
          `Step '${step}': the command uses {{inputs.${input}}}, which is not among its inputs (${Object.keys(inputs).join(', ') || 'none'})`,
        )
      return quote(value)
    },
  )
}

/** Keeps what a stream prints (bounded) and logs it line by line, labelled. */
function capture(ctx: StepContext, stream: NodeJS.ReadableStream, label: string): Buffer[] {
  const chunks: Buffer[] = []
  let size = 0
  let partial = ''
  stream.on('data', (chunk: Buffer) => {
    if (size < MAX_CAPTURE_BYTES) chunks.push(chunk)
    size += chunk.length
    const lines = (partial + chunk.toString('utf8')).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) ctx.log(`[${label}] ${line}`)
  })
  stream.on('end', () => partial && ctx.log(`[${label}] ${partial}`))
  return chunks
}

/** Terminates a process group, if it is still there. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGTERM')
  } catch {
    // Already gone.
  }
}

/** Runs the command; resolves with its exit code and what it printed. */
function runCommand(
  ctx: StepContext,
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
) {
  return new Promise<{
    code: number | null
    signal: string | null
    stdout: Buffer
    stderr: Buffer
  }>((done, fail) => {
    // A process group of its own, so that cancelling kills what the command started too.
    const child = spawn('/bin/sh', ['-c', command], {
      ...options,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stdout = capture(ctx, child.stdout, 'stdout')
    const stderr = capture(ctx, child.stderr, 'stderr')
    const abort = () => killGroup(child.pid)
    ctx.signal.addEventListener('abort', abort, { once: true })
    child.once('error', fail)
    child.once('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', abort)
      done({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) })
    })
  })
}

async function collectOutputs(
  ctx: StepContext,
  config: Config,
  outDir: string,
): Promise<ShellOutput> {
  const result: ShellOutput = {}
  const jsonPath = join(outDir, 'outputs.json')
  if (existsSync(jsonPath)) {
    const parsed = JSON.parse(await readFile(jsonPath, 'utf8')) as unknown
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error(`Step '${ctx.step}': outputs.json must hold a JSON object`)
    Object.assign(result, parsed)
  }
  for (const [name, file] of Object.entries(config.outputs)) {
    const path = resolve(outDir, file)
    if (!existsSync(path))
      throw new Error(
        `Step '${ctx.step}': declared output '${name}' (${file}) was not written to {{outputs.dir}}`,
      )
    result[name] = await ctx.writeArtifact(`${name}${extname(file)}`, { path })
  }
  return result
}

/**
 * `shell`: a command in any language. Inputs come in as files and `LATHE_INPUT_*` variables,
 * parameters as `LATHE_PARAM_*`; it writes files into `{{outputs.dir}}` (`LATHE_OUTPUT_DIR`),
 * and may leave JSON values in `outputs.json` there. stdout and stderr are kept as artifacts of
 * the step's tracking run; a non-zero exit fails the step.
 */
export const shellStep: BuiltinKind<typeof Config, ShellOutput> = {
  kind: 'shell',
  version: 1,
  volatile: [],
  idempotent: true,
  config: Config,
  async run(ctx, config) {
    const inputs = await placeInputs(ctx, config)
    const outDir = join(ctx.workDir, 'out')
    await mkdir(outDir, { recursive: true })
    const env: NodeJS.ProcessEnv = { ...process.env, ...config.env }
    for (const [name, value] of Object.entries(inputs)) env[`LATHE_INPUT_${envName(name)}`] = value
    for (const [name, value] of Object.entries(ctx.params))
      env[`LATHE_PARAM_${envName(name)}`] = String(value)
    Object.assign(env, {
      LATHE_OUTPUT_DIR: outDir,
      LATHE_RUN_ID: ctx.runId,
      LATHE_STEP: ctx.step,
      LATHE_SEED: String(ctx.seed),
    })
    const command = expand(config.command, inputs, outDir, ctx.step)
    const result = await runCommand(ctx, command, { cwd: config.cwd ?? process.cwd(), env })
    const runs = ctx.services.tracking.artifacts
    await runs.put(ctx.trackingRunId, 'stdout.log', Readable.from([result.stdout]))
    await runs.put(ctx.trackingRunId, 'stderr.log', Readable.from([result.stderr]))
    if (ctx.signal.aborted) throw ctx.signal.reason
    if (result.code !== 0) {
      const how =
        result.code === null ? `was killed by ${result.signal}` : `exited with code ${result.code}`
      throw new Error(`command ${how}: ${config.command.slice(0, 200)}`)
    }
    return collectOutputs(ctx, config, outDir)
  },
}
