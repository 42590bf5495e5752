import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerAuditCommands } from '../src/cli/commands/audit.js'
import type { Config } from '../src/config.js'
import { appendEvents } from '../src/events/index.js'
import { openLathe, type Lathe } from '../src/main.js'
import { runAs } from '../src/shared/actor.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'

for (const backend of testBackends) {
  describe(`lathe audit (${backend.name})`, () => {
    let config: Config
    let cleanup: () => Promise<void>
    let lathe: Lathe
    beforeEach(async () => {
      ;({ config, cleanup } = await backend.fresh())
      lathe = await openLathe(config)
    })
    afterEach(async () => {
      await lathe.close()
      await cleanup()
    })
    const audit = (...args: string[]) => runCli(config, registerAuditCommands, ['audit', ...args])

    it('shows a run history and a model history, then catches a deleted entry', async () => {
      const run = await runAs('ada', () => lathe.tracking.runs.create({ runName: 'fit' }))
      await runAs('bob', () => lathe.tracking.runs.update(run.info.runId, { status: 'FAILED' }))
      await lathe.store.transaction((trx) =>
        appendEvents(
          trx,
          ['registered_model:churn', 'model_version:churn/1', 'model_version:churnx/1'].map(
            (subject) => ({ type: 'x.changed', subject, payload: {}, actor: 'cy' }),
          ),
          1,
        ),
      )
      const runLog = await audit('log', '--run', run.info.runId)
      expect(runLog.out).toContain('run.created')
      expect(runLog.out).toContain('status: "RUNNING" → "FAILED"')
      const json = JSON.parse((await audit('log', '--model', 'churn', '--json')).out) as {
        subject: string
      }[]
      expect(json.map((e) => e.subject)).toEqual([
        'model_version:churn/1',
        'registered_model:churn',
      ])
      const bob = JSON.parse((await audit('log', '--user', 'bob', '--json')).out) as unknown[]
      expect(bob).toHaveLength(1)

      expect(await audit('verify')).toMatchObject({ exitCode: 0 })
      await sql`delete from audit_entries where seq = 2`.execute(lathe.store.db())
      const broken = await audit('verify')
      expect(broken.exitCode).toBe(1)
      expect(broken.out).toContain('[deleted] entry 2 is missing')
    })

    it('rejects a bad --max', async () => {
      await expect(audit('log', '--max', 'lots')).rejects.toThrow(/--max must be an integer/)
    })
  })
}
