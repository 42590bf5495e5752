import { DuckDBInstance } from '@duckdb/node-api'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerDeployCommands } from '../src/cli/commands/deploy.js'
import { registerPredictCommand } from '../src/cli/commands/predict.js'
import type { Config } from '../src/config.js'
import { openLathe, type Lathe } from '../src/main.js'
import { parseMlflowJson } from '../src/serving/index.js'
import { plainData } from '../src/serving/prediction-output.js'
import { testBackends } from './support/backends.js'
import { runCli } from './support/cli.js'
import { classifierFiles, registerModel } from './support/serving.js'

/*
 * `lathe deploy …` creates, releases and rolls back deployments (each change audited as the
 * user); `lathe predict` scores a file in streaming chunks with the same model package and checks,
 * writes Parquet, and records lineage from the data and the model version to the output.
 */

async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS()
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

const ROWS = 25_000

for (const backend of testBackends) {
  describe(`lathe deploy and lathe predict (${backend.name})`, () => {
    let config: Config
    let lathe: Lathe
    let cleanup: () => Promise<void>
    let input: string

    const deploy = (...args: string[]) =>
      runCli(config, registerDeployCommands, ['deploy', ...args])
    const predict = (...args: string[]) =>
      runCli(config, registerPredictCommand, ['predict', ...args])

    beforeAll(async () => {
      const fresh = await backend.fresh()
      config = fresh.config
      cleanup = fresh.cleanup
      lathe = await openLathe(config)
      await registerModel(lathe, 'churn', classifierFiles({ seed: 1 }), ['champion'])
      await registerModel(lathe, 'churn', classifierFiles({ seed: 2 }))
      input = join(config.home, 'to-score.parquet')
      await duck(
        `COPY (SELECT i AS id, (i % 17) / 4.0 - 2 AS x1, (i % 5) - 2.0 AS x2,
          CASE WHEN i % 11 = 0 THEN NULL ELSE -3 + (i % 3) / 2.0 END AS x3,
          ['a', 'b', 'c'][1 + i % 3] AS city FROM range(${ROWS}) t(i)) TO '${input}' (FORMAT parquet)`,
      )
    })
    afterAll(async () => {
      await lathe.close()
      await cleanup()
    })

    it('creates, releases and rolls back a deployment, each change by the user', async () => {
      const created = await deploy(
        'create',
        'churn-api',
        '--model',
        'churn@champion',
        '--strategy',
        'canary',
        '--steps',
        '10,100',
        '--pii',
        'city=hash',
        '--batching',
        'off',
        '--json',
      )
      expect(created.exitCode).toBe(0)
      expect(JSON.parse(created.out)).toMatchObject({
        name: 'churn-api',
        version: 1,
        strategy: 'canary',
        config: {
          canary: { steps: [10, 100] },
          logging: { pii: { city: 'hash' } },
          batching: false,
        },
      })
      expect((await deploy('list')).out).toMatch(/churn-api.*churn.*@champion.*canary/)
      const released = JSON.parse(
        (await deploy('release', 'churn-api', '--version', '2', '--json')).out,
      )
      expect(released.release).toMatchObject({
        strategy: 'canary',
        status: 'progressing',
        weight: 10,
      })
      const shown = (await deploy('show', 'churn-api')).out
      expect(shown).toMatch(/canary of version 2: progressing at 10%/)
      expect(shown).toMatch(/smoke.*yes.*input example/)
      await deploy('rollback', 'churn-api', '--reason', 'holding off')
      expect(await lathe.serving.deployments.get('churn-api')).toMatchObject({
        version: 1,
        release: { status: 'rolled_back', reason: 'holding off' },
      })
      await lathe.audit.drain()
      const { entries } = await lathe.audit.list({
        subjects: ['deployment:churn-api'],
        order: 'asc',
      })
      expect(entries.map((e) => e.type)).toEqual([
        'deployment.created',
        'deployment.release_started',
        'deployment.rolled_back',
      ])
      expect(new Set(entries.map((e) => e.actor)).size).toBe(1)
    })

    it('refuses bad flags with a message naming them', async () => {
      await expect(deploy('create', 'x', '--model', 'churn', '--steps', '10,abc')).rejects.toThrow(
        /--steps must be a number, got 'abc'/,
      )
      await expect(
        deploy('create', 'x', '--model', 'churn', '--pii', 'email=shred'),
      ).rejects.toThrow(/--pii email must be one of drop, hash, keep/)
      await expect(
        deploy('create', 'x', '--model', 'churn', '--batching', 'maybe'),
      ).rejects.toThrow(/--batching must be one of on, off, got 'maybe'/)
      await expect(
        predict('--model', 'churn', '--input', input, '--output', 'out.csv'),
      ).rejects.toThrow(/--output must be a .parquet file/)
    })

    it('scores a file in chunks, writes Parquet and records lineage', async () => {
      const output = join(config.home, 'scored.parquet')
      const res = await predict(
        '--model',
        'churn@champion',
        '--input',
        input,
        '--output',
        output,
        '--chunk-rows',
        '10000',
        '--no-progress',
        '--json',
      )
      expect(res.exitCode).toBe(0)
      const result = JSON.parse(res.out) as { id: string; rows: number; version: number }
      expect(result).toMatchObject({ rows: ROWS, version: 1 })
      const [summary] = await duck(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT label) AS labels, min(len(probabilities))::INTEGER AS width, max(id)::INTEGER AS last FROM '${output}'`,
      )
      expect(summary).toEqual({ n: ROWS, labels: expect.any(BigInt), width: 3, last: ROWS - 1 })
      // The same rows through the endpoints' path give the same labels.
      const sample = await duck(
        `SELECT x1, x2, x3, city, label FROM '${output}' WHERE id IN (0, 11, 24999) ORDER BY id`,
      )
      await lathe.serving.deployments.reload('churn-api')
      const answer = await lathe.serving.runtime.infer({
        deployment: 'churn-api',
        table: parseMlflowJson(
          { dataframe_records: sample.map(({ label: _l, ...row }) => row) },
          [],
        ),
        protocol: 'mlflow',
        requestId: 'parity',
        header: () => undefined,
      })
      expect(plainData(answer.outputs.get('label')!)).toEqual(sample.map((r) => r.label))
      await lathe.lineage.drain()
      const graph = await lathe.lineage.graph(
        { kind: 'batch_prediction', id: result.id },
        { direction: 'up' },
      )
      const ids = graph.nodes.map((n) => `${n.kind}:${n.id}`)
      expect(ids).toContain('model_version:churn/1')
      expect(ids.some((id) => id.startsWith('dataset:to-score.parquet@'))).toBe(true)
    })

    it('links a stored dataset version, by name or by content, and the deployment to its versions', async () => {
      const { version } = await lathe.data.datasets.add(input, { name: 'to-score' })
      const upstream = async (id: string) => {
        await lathe.lineage.drain()
        const graph = await lathe.lineage.graph(
          { kind: 'batch_prediction', id },
          { direction: 'up' },
        )
        return graph.nodes.map((n) => `${n.kind}:${n.id}`)
      }
      const out = join(config.home, 'by-ref.parquet')
      const byRef = JSON.parse(
        (await predict('--model', 'churn/2', '--dataset', 'to-score', '--output', out, '--json'))
          .out,
      )
      expect(byRef).toMatchObject({ rows: ROWS, version: 2, input: 'to-score:1' })
      expect(await upstream(byRef.id)).toEqual(
        expect.arrayContaining([`dataset_version:${version.id}`, 'model_version:churn/2']),
      )
      const byFile = JSON.parse(
        (await predict('--model', 'churn', '--input', input, '--output', out, '--json')).out,
      )
      expect(await upstream(byFile.id)).toContain(`dataset_version:${version.id}`)
      const deployed = await lathe.lineage.graph(
        { kind: 'deployment', id: 'churn-api' },
        { direction: 'up' },
      )
      const edges = deployed.edges.map((e) => `${e.from.id} ${e.relation}`)
      expect(edges).toEqual(expect.arrayContaining(['churn/1 deployed_as', 'churn/2 deployed_as']))
    })

    it('names the row and column of bad data in a file', async () => {
      await duck(
        `COPY (SELECT 'oops' AS x1, 2.0 AS x2, 3.0 AS x3, 'a' AS city) TO '${join(config.home, 'text.csv')}' (HEADER)`,
      )
      await expect(
        predict(
          '--model',
          'churn/1',
          '--input',
          join(config.home, 'text.csv'),
          '--output',
          join(config.home, 'x.parquet'),
          '--no-progress',
        ),
      ).rejects.toThrow(/Column 'x1', row 0: expected a number \(double\), got "oops"/)
    })
  })
}
