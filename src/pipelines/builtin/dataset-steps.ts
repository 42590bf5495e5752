import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { z } from 'zod'
import { DATA_FORMATS, loadContractFile, type Contract } from '../../data/index.js'
import type { BuiltinKind } from '../definition/builtin-kind.js'
import { ArtifactRefSchema } from './parse-config.js'

const VersionConfig = z.strictObject({
  /** Dataset name. */
  name: z.string().min(1),
  /** An artifact an upstream step wrote, or a local path. */
  file: z.union([ArtifactRefSchema, z.string().min(1)]),
  format: z.enum(DATA_FORMATS).optional(),
  /** Point this alias at the version. */
  alias: z.string().min(1).optional(),
})

/** A stored dataset version, as the next steps refer to it. */
export interface DatasetVersionOutput {
  /** `name:version`, what `contract.validate` and `model.train` take. */
  readonly ref: string
  readonly id: string
  readonly name: string
  readonly version: number
  readonly digest: string
  readonly rowCount: number
}

/** `dataset.version`: stores a file as a content-addressed dataset version (same bytes, same version). */
export const versionDatasetStep: BuiltinKind<typeof VersionConfig, DatasetVersionOutput> = {
  kind: 'dataset.version',
  version: 1,
  volatile: [],
  idempotent: true,
  config: VersionConfig,
  async run(ctx, config) {
    const { datasets } = ctx.services.data
    const local = typeof config.file === 'string'
    const path = local
      ? resolve(config.file as string)
      : await ctx.artifactPath(config.file as never)
    const source = local ? path : `pipeline-run:${ctx.runId}/${ctx.step}`
    const { version } = await datasets.add(path, {
      name: config.name,
      format: config.format,
      source,
    })
    if (config.alias) await datasets.setAlias(version.name, config.alias, version.version)
    ctx.recordOutput({ kind: 'dataset_version', id: version.id })
    ctx.log(
      `dataset ${version.name}:${version.version} (${version.rowCount} rows, sha256 ${version.digest.slice(0, 12)})`,
    )
    return {
      ref: `${version.name}:${version.version}`,
      id: version.id,
      name: version.name,
      version: version.version,
      digest: version.digest,
      rowCount: version.rowCount,
    }
  },
}

const ValidateConfig = z.strictObject({
  /** A stored dataset version: `name`, `name:3`, `name@golden`. */
  dataset: z.string().min(1),
  /** A stored contract (`name`, `name:2`) or a contract file. */
  contract: z.string().min(1),
  /** Fail the step when an expectation fails (default true). */
  failOnInvalid: z.boolean().default(true),
})

/** A validation's verdict. */
export interface ValidationOutput {
  readonly reportId: string
  readonly success: boolean
  /** Expectations that failed. */
  readonly failed: string[]
}

async function contractOf(ref: string): Promise<string | Contract> {
  return /\.(json|ya?ml|[cm]?[jt]s)$/.test(ref) && existsSync(ref) ? loadContractFile(ref) : ref
}

/** `contract.validate`: checks a dataset version against a contract and keeps the report. */
export const validateStep: BuiltinKind<typeof ValidateConfig, ValidationOutput> = {
  kind: 'contract.validate',
  version: 1,
  volatile: ['reportId'],
  idempotent: true,
  config: ValidateConfig,
  async run(ctx, config) {
    const { data } = ctx.services
    const version = await data.datasets.get(config.dataset)
    ctx.recordInput({ kind: 'dataset_version', id: version.id, digest: version.digest })
    const report = await data.validation.validate({
      data: { ref: { name: version.name, version: version.version } },
      contract: await contractOf(config.contract),
    })
    const failed = report.results
      .filter((r) => !r.success)
      .map((r) => `${r.description}${r.failingCount ? ` (${r.failingCount} rows)` : ''}`)
    ctx.log(
      `validation ${report.success ? 'passed' : 'failed'}: ${report.results.length - failed.length}/${report.results.length} expectations met`,
    )
    for (const line of failed) ctx.log(`  failed: ${line}`)
    if (!report.success && config.failOnInvalid)
      throw new Error(
        `${config.dataset} does not meet contract '${config.contract}': ${failed.join('; ')}`,
      )
    return { reportId: report.id, success: report.success, failed }
  },
}
