import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerModelCommands } from '../src/cli/commands/models.js'
import type { Config } from '../src/config.js'
import { openLathe, type Lathe } from '../src/main.js'
import { runAs } from '../src/shared/actor.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'

/* `lathe models …`: tables for people, --json for scripts, domain errors as messages. */

for (const backend of testBackends) {
  describe(`lathe models (${backend.name})`, () => {
    let config: Config
    let cleanup: () => Promise<void>
    let lathe: Lathe
    const models = (...args: string[]) => runCli(config, registerModelCommands, ['models', ...args])

    beforeAll(async () => {
      ;({ config, cleanup } = await backend.fresh())
      lathe = await openLathe(config)
      const run = await lathe.tracking.runs.create({ experimentId: '0' })
      await lathe.tracking.logMetrics(run.info.runId, { auc: 0.91 })
      await lathe.registry.models.create({ name: 'churn', description: 'who leaves' })
      await lathe.registry.versions.create({ name: 'churn', source: `runs:/${run.info.runId}/m` })
      await lathe.registry.versions.create({ name: 'churn', source: 'mlflow-artifacts:/0/m2' })
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('lists, shows and lists versions, as tables and as JSON', async () => {
      const list = await models('list')
      expect(list.out).toContain('churn')
      expect(list.out).toContain('who leaves')
      const json = JSON.parse((await models('list', '--json')).out) as { name: string }[]
      expect(json.map((m) => m.name)).toEqual(['churn'])
      expect((await models('show', 'churn')).out).toContain('protected aliases')
      const versions = JSON.parse((await models('versions', 'churn', '--json')).out) as {
        version: number
      }[]
      expect(versions.map((v) => v.version)).toEqual([2, 1])
      await expect(models('show', 'nope')).rejects.toThrow(
        'Registered Model with name=nope not found',
      )
    })

    it('sets gates from a file, evaluates, and moves the alias once they pass', async () => {
      const file = join(config.home, 'gates.json')
      await writeFile(
        file,
        JSON.stringify({ gates: [{ kind: 'metric', metric: 'auc', op: '>=', threshold: 0.9 }] }),
      )
      expect((await models('gates', 'churn', '--set', file)).out).toContain('"metric":"auc"')
      await expect(models('alias', 'churn', 'champion', '1')).rejects.toThrow(
        'metric:auc>=0.9: missing',
      )
      const failed = await models('evaluate', 'churn', '2')
      expect(failed.exitCode).toBe(1)
      expect(failed.out).toContain('FAIL')
      const passed = await models('evaluate', 'churn', '1', '--json')
      expect(passed.exitCode).toBe(0)
      expect(JSON.parse(passed.out)).toMatchObject({ passed: true, version: 1 })
      expect((await models('alias', 'churn', 'champion', '1')).out).toBe(
        'churn@champion → version 1',
      )
      await writeFile(file, '{"gates": [{"kind": "metric"}]}')
      await expect(models('gates', 'churn', '--set', file)).rejects.toThrow(/gates/)
    })

    it('requests, refuses self-approval, and approves as another user', async () => {
      await lathe.registry.gates.setPolicy('churn', { gates: [], approvalAliases: ['prod'] })
      const requested = await runAs('ada', () =>
        models('request-approval', 'churn', '2', 'prod', '--reason', 'faster'),
      )
      const id = /Approval (\d+) requested/.exec(requested.out)![1]!
      await expect(runAs('ada', () => models('approve', id))).rejects.toThrow(
        `User 'ada' requested approval ${id} and cannot decide it`,
      )
      const pending = await models('approvals', '--status', 'pending')
      expect(pending.out).toContain('faster')
      const approved = await runAs('bob', () => models('approve', id, '--comment', 'ok'))
      expect(approved.out).toBe(`Approved ${id}: churn@prod → version 2`)
      expect(await lathe.registry.aliases.getVersion('churn', 'prod')).toMatchObject({ version: 2 })
      await expect(models('approvals', '--status', 'maybe')).rejects.toThrow('--status must be')
    })
  })
}
