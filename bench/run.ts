/**
 * `npm run bench -- NAME` runs bench/NAME.ts, which prints its figures beside a baseline
 * measured in the same run (machines here are noisy: only ratios are comparable).
 */
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('support'))
  .map((f) => f.slice(0, -3))
  .sort()
const name = process.argv[2]
if (!name || !available.includes(name) || !existsSync(join(here, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}`)
  process.exit(2)
}
await import(pathToFileURL(join(here, `${name}.ts`)).href)
