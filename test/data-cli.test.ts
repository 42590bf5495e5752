import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerContractCommands } from '../src/cli/commands/contracts.js'
import { registerDataCommands } from '../src/cli/commands/data.js'
import type { Config } from '../src/config.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'

const register = (program: Command) => {
  registerDataCommands(program)
  registerContractCommands(program)
}

const CONTRACT = `name: orders
columns:
  id: { type: int, nullable: false, unique: true }
  amount: { type: float, min: 0 }
  status: { type: category, allowed: [new, paid] }
`

for (const backend of testBackends) {
  describe(`lathe data and lathe contracts (${backend.name})`, () => {
    let config: Config
    let cleanup: () => Promise<void>
    let dir: string
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    }
    const lathe = (...args: string[]) => runCli(config, register, args)
    beforeAll(async () => {
      ;({ config, cleanup } = await backend.fresh())
      dir = mkdtempSync(join(tmpdir(), 'lathe-data-cli-'))
    })
    afterAll(async () => {
      await cleanup()
      rmSync(dir, { recursive: true, force: true })
    })

    it('registers a contract file and validates files against it, exiting 1 on failure', async () => {
      const added = await lathe('contracts', 'add', file('orders.yaml', CONTRACT))
      expect(added.out).toMatch(/^Contract 'orders' registered as version 1 \([0-9a-f]{12}\)$/)
      const good = file('good.csv', 'id,amount,status\n1,10,new\n2,20,paid\n')
      const pass = await lathe('data', 'validate', good, '--contract', 'orders')
      expect(pass.exitCode).toBe(0)
      expect(pass.out).toMatch(/PASSED — .*good\.csv \(2 rows\) against orders:1; report /)
      const bad = file('bad.csv', 'id,amount,status\n1,10,new\n1,-5,lost\n')
      const fail = await lathe('data', 'validate', bad, '--contract', 'orders', '--json')
      expect(fail.exitCode).toBe(1)
      const report = JSON.parse(fail.out)
      expect(report.statistics).toEqual({ evaluated: 10, passed: 7, failed: 3 })
      const table = await lathe('data', 'validate', bad, '--contract', join(dir, 'orders.yaml'))
      expect(table.exitCode).toBe(1)
      expect(table.out).toContain('Examples failing "status in {new, paid}":')
      expect(table.out).toMatch(
        /FAILED: 3 of 10 expectations — .*bad\.csv \(2 rows\) against orders:1/,
      )
    })

    it('diffs contracts and exits 1 when a change is breaking', async () => {
      const narrowed = file(
        'narrow.yaml',
        CONTRACT.replace('type: float, min: 0', 'type: int, min: 0'),
      )
      const diff = await lathe('contracts', 'diff', 'orders', narrowed)
      expect(diff.exitCode).toBe(1)
      expect(diff.out).toContain('BREAKING')
      expect(diff.out).toContain('1 breaking change(s).')
      const same = await lathe('contracts', 'diff', 'orders:1', join(dir, 'orders.yaml'))
      expect(same).toEqual({ out: 'No changes.', exitCode: 0 })
    })

    it('adds versions, profiles them and writes drift reports', async () => {
      const a = file(
        'week1.csv',
        'amount,segment\n' +
          Array.from({ length: 50 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n'),
      )
      const b = file(
        'week2.csv',
        'amount,segment\n' + Array.from({ length: 50 }, (_, i) => `${i + 40},a`).join('\n'),
      )
      expect((await lathe('data', 'add', a, '--name', 'sales', '--alias', 'golden')).out).toContain(
        'Added sales:1',
      )
      expect((await lathe('data', 'add', a, '--name', 'sales')).out).toContain(
        'Unchanged: the same content is sales:1',
      )
      const profile = JSON.parse((await lathe('data', 'profile', 'sales@golden', '--json')).out)
      expect(profile.data).toMatchObject({ source: 'sales:1', rowCount: 50 })
      const html = join(dir, 'drift.html')
      const drift = await lathe('data', 'drift', 'sales@golden', b, '--html', html)
      expect(drift.out).toMatch(/DATASET DRIFT: 2 of 2 columns drifted/)
      expect(readFileSync(html, 'utf8').match(/<svg /g)).toHaveLength(2)
      const json = JSON.parse((await lathe('data', 'drift', a, b, '--json', '--test', 'psi')).out)
      expect(json.columns.map((c: { result: { test: string } }) => c.result.test)).toEqual([
        'psi',
        'psi',
      ])
    })

    it('refuses bad input with clear errors', async () => {
      await expect(
        lathe('data', 'validate', join(dir, 'missing.csv'), '--contract', 'orders'),
      ).rejects.toThrow(`No file at '${join(dir, 'missing.csv')}'`)
      const unknown = file('unknown.yaml', 'name: x\ncolumns:\n  a: { type: decimal }\n')
      await expect(lathe('contracts', 'add', unknown)).rejects.toThrow(
        `Contract '${unknown}' is invalid: columns.a.type: unknown column type "decimal"`,
      )
      await expect(lathe('data', 'add', file('empty.csv', ''), '--name', 'e')).rejects.toThrow(
        'is empty (0 bytes)',
      )
      await expect(lathe('data', 'drift', 'sales', 'sales', '--test', 'magic')).rejects.toThrow(
        "Unknown drift test 'magic'; allowed: ks, chisquare, z, psi, jensenshannon, wasserstein",
      )
    })
  })
}
