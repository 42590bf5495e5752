import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerLineageCommand } from '../src/cli/commands/lineage.js'
import type { Config } from '../src/config.js'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'

for (const backend of testBackends) {
  describe(`lathe lineage (${backend.name})`, () => {
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

    it('prints what a run was made from and what it made, as trees', async () => {
      const runId = (await lathe.tracking.runs.create({ runName: 'fit' })).info.runId
      const dataset = { name: 'train', digest: 'd1', sourceType: 'local', source: 'a.csv' }
      await lathe.tracking.inputs.logInputs(runId, [
        { tags: [], dataset },
        { tags: [], dataset: { ...dataset, name: 'valid', digest: 'd2' } },
      ])
      await lathe.tracking.inputs.logOutputs(runId, [{ modelId: 'm-1', step: 0 }])
      const { out } = await runCli(config, registerLineageCommand, ['lineage', 'run', runId])
      expect(out.split('\n')).toEqual([
        `run:${runId} (fit)  made from:`,
        '├─ ← input_to dataset:train@d1 (train)',
        '└─ ← input_to dataset:valid@d2 (valid)',
        `run:${runId} (fit)  used by:`,
        '└─ → produced logged_model:m-1',
      ])
      const down = await runCli(config, registerLineageCommand, [
        'lineage',
        'dataset',
        'train@d1',
        '--down',
      ])
      expect(down.out).toBe(
        [
          'dataset:train@d1 (train)  used by:',
          `└─ → input_to run:${runId} (fit)`,
          '   └─ → produced logged_model:m-1',
        ].join('\n'),
      )
    })
  })
}
