import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLathe, type Lathe } from '../src/main.js'
import { testBackends } from './support/backends.js'

/*
 * Concurrent writers: racing creates of one name leave one model and MLflow's
 * RESOURCE_ALREADY_EXISTS for the rest (the Python client relies on it to continue), and racing
 * registrations each get their own version number.
 */

for (const backend of testBackends) {
  describe(`registry under concurrent writers (${backend.name})`, () => {
    let lathe: Lathe
    let cleanup: () => Promise<void>

    beforeAll(async () => {
      const fresh = await backend.fresh()
      cleanup = fresh.cleanup
      lathe = await openLathe(fresh.config)
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('creates one model of racing creates; the others get RESOURCE_ALREADY_EXISTS', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => lathe.registry.models.create({ name: 'raced' })),
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r.reason as { code: string }).code).toBe('RESOURCE_ALREADY_EXISTS')
      }
    })

    it('gives racing registrations distinct, gapless version numbers', async () => {
      const versions = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          lathe.registry.versions.create({ name: 'raced', source: `mlflow-artifacts:/0/v${i}` }),
        ),
      )
      const numbers = versions.map((v) => v.version).sort((a, b) => a - b)
      expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      const sources = new Map(versions.map((v) => [v.version, v.source]))
      expect(new Set(sources.values()).size).toBe(10)
    })

    it('serialises racing stage moves: at most one version ends in Production', async () => {
      for (let round = 0; round < 4; round++) {
        await Promise.all(
          ['1', '2', '3'].map((v) =>
            lathe.registry.versions.transitionStage('raced', v, {
              stage: 'Production',
              archiveExistingVersions: true,
            }),
          ),
        )
      }
      const production = await lathe.registry.models.latestVersions('raced', ['Production'])
      expect(production).toHaveLength(1)
      const page = await lathe.registry.versions.search({
        filter: "name = 'raced' and version_number <= 3",
      })
      expect(page.items.filter((v) => v.currentStage === 'Production')).toHaveLength(1)
    })

    it('never leaves an alias on a version deleted while it moved', async () => {
      const outcomes = await Promise.allSettled([
        lathe.registry.aliases.set('raced', 'champion', '4'),
        lathe.registry.versions.delete('raced', '4'),
        lathe.registry.aliases.set('raced', 'champion', '4'),
      ])
      for (const o of outcomes) {
        if (o.status === 'rejected')
          expect((o.reason as { code: string }).code).toBe('RESOURCE_DOES_NOT_EXIST')
      }
      const model = await lathe.registry.models.get('raced')
      expect(model.aliases.filter((a) => a.version === 4)).toEqual([])
    })
  })
}
