import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerPipelineCommands } from '../src/cli/commands/pipelines.js'
import type { Config } from '../src/config.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'

/* `lathe pipelines …` in-process: run with progress lines, list, status, logs, rerun, bad input. */

const fixture = (name: string) =>
  fileURLToPath(new URL(`./fixtures/pipelines/hello/${name}`, import.meta.url))
const HELLO = fixture('pipeline.yaml')

for (const backend of testBackends) {
  describe(`lathe pipelines (${backend.name})`, () => {
    let config: Config
    let cleanup: () => Promise<void>
    beforeAll(async () => {
      ;({ config, cleanup } = await backend.fresh())
    })
    afterAll(() => cleanup())
    const lathe = (...args: string[]) =>
      runCli(config, registerPipelineCommands, ['pipelines', ...args])

    it('runs a pipeline, showing each step as its state changes, then lists and inspects it', async () => {
      const { out, exitCode } = await lathe('run', HELLO, '-p', 'who=lathe')
      expect(exitCode).toBe(0)
      const runId = /Run ([0-9a-f]{32}) started \(local\)/.exec(out)![1]!
      expect(out).toMatch(/\d\d:\d\d:\d\d greet (queued|running)/)
      expect(out).toMatch(/\d\d:\d\d:\d\d shout succeeded/)
      expect(out).toContain(`Run ${runId} succeeded (2 succeeded)`)

      expect((await lathe('list')).out).toMatch(/hello.*2.*pipeline\.yaml/)
      const status = JSON.parse((await lathe('status', runId, '--json')).out) as {
        steps: { step: string; status: string }[]
      }
      expect(status.steps.map((s) => [s.step, s.status])).toEqual([
        ['greet', 'succeeded'],
        ['shout', 'succeeded'],
      ])
      expect((await lathe('logs', runId, '--step', 'greet')).out).toContain('[stdout] greeted')

      const again = await lathe('run', 'hello', '-p', 'who=lathe')
      expect(again.out).toContain('(2 cached)')
      const rerun = await lathe('rerun', runId)
      expect(rerun.out).toContain('greet: same outputs')
      expect(rerun.out).toContain('Outputs match the original run.')
      expect(rerun.exitCode).toBe(0)
    })

    it('reports a failed step with its error and log tail, and exits 1', async () => {
      const { out, exitCode } = await lathe('run', fixture('failing.yaml'))
      expect(exitCode).toBe(1)
      expect(out).toMatch(/Run [0-9a-f]{32} failed \(1 succeeded, 1 failed, 1 skipped\)/)
      expect(out).toContain(`Step 'broken' failed after 1 attempt(s): command exited with code 3`)
      expect(out).toContain('  | [stderr] no such column: plan')
    })

    it('refuses a YAML file with an unknown key, naming the step', async () => {
      await expect(lathe('run', fixture('unknown-key.yaml'))).rejects.toThrow(
        /^Step 'train': unknown key 'retry' \(allowed: /,
      )
    })

    it('refuses an unknown run and an unknown step', async () => {
      await expect(lathe('status', 'f'.repeat(32))).rejects.toThrow(
        `No pipeline run with id '${'f'.repeat(32)}'`,
      )
      const { out } = await lathe('runs', 'hello', '--json')
      const [latest] = JSON.parse(out) as { runId: string }[]
      await expect(lathe('logs', latest!.runId, '--step', 'nope')).rejects.toThrow(
        `Run ${latest!.runId} has no step 'nope' (steps: greet, shout)`,
      )
    })
  })
}
