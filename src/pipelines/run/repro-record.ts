import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { platform, release } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import type { Params } from '../definition/pipeline-spec.js'
import { sha256 } from './digest.js'

const run = promisify(execFile)

/** What a run needs to be reproduced, and to tell why a rerun might differ. */
export interface ReproRecord {
  /** The commit of the repository holding the pipeline file, and whether it had changes. */
  readonly git: { readonly commit: string; readonly isDirty: boolean } | null
  /** sha256 of the nearest package-lock.json above the pipeline file. */
  readonly packageLockSha256: string | null
  /** sha256 of the pipeline file itself. */
  readonly sourceSha256: string | null
  readonly nodeVersion: string
  readonly os: string
  /** The run's seed; each step's seed derives from it and the step name. */
  readonly seed: number
  readonly params: Params
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await run('git', args, { cwd, timeout: 10_000 })).stdout.trim()
  } catch {
    return undefined
  }
}

async function nearestLock(from: string): Promise<string | null> {
  for (let dir = from; ; dir = dirname(dir)) {
    const lock = await readFile(join(dir, 'package-lock.json')).catch(() => undefined)
    if (lock) return sha256(lock)
    if (dirname(dir) === dir) return null
  }
}

/** Records the environment a run starts in. */
export async function reproRecord(
  source: string,
  seed: number,
  params: Params,
): Promise<ReproRecord> {
  // A pipeline defined in code (`inline:<name>`) belongs to the working directory's repository.
  const dir = source.startsWith('inline:') ? process.cwd() : dirname(source)
  const commit = await git(dir, ['rev-parse', 'HEAD'])
  const status =
    commit === undefined
      ? undefined
      : await git(dir, ['status', '--porcelain', '--untracked-files=no'])
  const file = await readFile(source).catch(() => undefined)
  return {
    git: commit ? { commit, isDirty: (status ?? '') !== '' } : null,
    packageLockSha256: await nearestLock(dir),
    sourceSha256: file ? sha256(file) : null,
    nodeVersion: process.version,
    os: `${platform()} ${release()}`,
    seed,
    params,
  }
}

/** Fields of two records that differ, for a rerun's report. */
export function reproDifferences(
  before: ReproRecord,
  after: ReproRecord,
): { field: string; before: string; after: string }[] {
  const fields: [string, (r: ReproRecord) => unknown][] = [
    ['git commit', (r) => r.git?.commit ?? 'none'],
    ['git dirty', (r) => r.git?.isDirty ?? false],
    ['package-lock sha256', (r) => r.packageLockSha256 ?? 'none'],
    ['pipeline file sha256', (r) => r.sourceSha256 ?? 'none'],
    ['node version', (r) => r.nodeVersion],
    ['os', (r) => r.os],
  ]
  return fields
    .map(([field, get]) => ({ field, before: String(get(before)), after: String(get(after)) }))
    .filter((d) => d.before !== d.after)
}
