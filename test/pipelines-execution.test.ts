import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipeline } from '../src/pipelines/index.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

/*
 * How runs behave when steps misbehave: a failing branch does not stop independent ones,
 * retries back off, timeouts and cancellation stop steps, and every failure names its step
 * with the end of its log.
 */

const waitForAbort = (signal: AbortSignal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)))

for (const backend of testBackends) {
  describe(`pipeline execution (${backend.name})`, () => {
    let t: TestLathe
    beforeAll(async () => {
      t = await startTestLathe(backend)
    })
    afterAll(() => t.close())

    it('fails the throwing step, skips what depends on it and finishes the independent branch', async () => {
      const p = pipeline('branches')
        .step('source', { run: () => ({ n: 1 }) })
        .step('boom', {
          needs: ['source'],
          run: (ctx) => {
            ctx.log('about to divide by zero')
            throw new Error('boom: cannot divide by zero')
          },
        })
        .step('after-boom', { needs: ['boom'], run: () => 1 })
        .step('independent', {
          needs: ['source'],
          run: async (_ctx, { source }) => ({ m: source.n + 1 }),
        })
      const run = await (await t.lathe.pipelines.run(p)).done
      expect(run.status).toBe('failed')
      expect(run.steps.map((s) => [s.step, s.status])).toEqual([
        ['source', 'succeeded'],
        ['boom', 'failed'],
        ['independent', 'succeeded'],
        ['after-boom', 'skipped'],
      ])
      expect(run.failures).toEqual([
        {
          step: 'boom',
          error: 'failed after 1 attempt(s): boom: cannot divide by zero',
          logTail: 'about to divide by zero\nattempt 1 failed: boom: cannot divide by zero',
        },
      ])
      expect(run.steps.find((s) => s.step === 'after-boom')!.error).toBe(
        "upstream step 'boom' failed",
      )
      const parent = await t.lathe.tracking.runs.get(run.trackingRunId)
      expect(parent.info.status).toBe('FAILED')
    })

    it('retries with backoff until a try succeeds', async () => {
      let tries = 0
      const p = pipeline('flaky').step('flaky', {
        retries: 3,
        backoffMs: 10,
        cache: false,
        run: () => {
          tries++
          if (tries < 3) throw new Error(`transient failure ${tries}`)
          return { tries }
        },
      })
      const run = await (await t.lathe.pipelines.run(p)).done
      expect(run.status).toBe('succeeded')
      expect(run.steps[0]).toMatchObject({ status: 'succeeded', attempt: 3, outputs: { tries: 3 } })
      expect(run.steps[0]!.logTail).toContain('retrying in 20 ms (2 retries left)')
    })

    it('stops a step at its timeout', async () => {
      const p = pipeline('slow').step('slow', {
        timeoutMs: 50,
        run: (ctx) => waitForAbort(ctx.signal),
      })
      const run = await (await t.lathe.pipelines.run(p)).done
      expect(run.failures[0]).toMatchObject({
        step: 'slow',
        error: 'failed after 1 attempt(s): timed out after 50 ms',
      })
    })

    it('cancels a run: its running step is aborted and nothing more runs', async () => {
      let started!: () => void
      const running = new Promise<void>((resolve) => (started = resolve))
      const p = pipeline('long')
        .step('wait', {
          run: (ctx) => {
            started()
            return waitForAbort(ctx.signal)
          },
        })
        .step('next', { needs: ['wait'], run: () => 1 })
      const handle = await t.lathe.pipelines.run(p)
      await running
      await t.lathe.pipelines.cancel(handle.runId)
      const run = await handle.done
      expect(run.status).toBe('cancelled')
      expect(run.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled'])
      await expect(t.lathe.pipelines.cancel(handle.runId)).rejects.toThrow(
        `Pipeline run '${handle.runId}' is already cancelled; only running runs can be cancelled`,
      )
    })

    it('fails a step whose outputs are not JSON', async () => {
      const p = pipeline('dates').step('when', { run: () => ({ when: new Date(0) }) })
      const run = await (await t.lathe.pipelines.run(p)).done
      expect(run.failures[0]!.error).toBe(
        'returned outputs that are not JSON: outputs.when is an object of a class; outputs must be plain JSON (use ctx.writeArtifact for bytes)',
      )
    })

    it('fails a shell step that exits non-zero, with what it printed', async () => {
      const p = pipeline('shell').use('fail', 'shell', {
        with: () => ({ command: 'echo about to fail; echo oops >&2; exit 3' }),
      })
      const run = await (await t.lathe.pipelines.run(p)).done
      expect(run.failures).toEqual([
        {
          step: 'fail',
          error:
            'failed after 1 attempt(s): command exited with code 3: echo about to fail; echo oops >&2; exit 3',
          logTail: expect.stringContaining('[stdout] about to fail'),
        },
      ])
      expect(run.failures[0]!.logTail).toContain('[stderr] oops')
    })

    it('passes artifacts between steps as files and keeps them by content', async () => {
      const p = pipeline('files', { params: { word: 'hello' } })
        .step('write', {
          params: ['word'],
          run: (ctx) => ctx.writeArtifact('word.txt', ctx.params.word),
        })
        .use('shout', 'shell', {
          needs: ['write'],
          with: ({ write }) => ({
            command:
              'tr a-z A-Z < {{inputs.word}} > {{outputs.dir}}/loud.txt && echo "{\\"chars\\": 5}" > $LATHE_OUTPUT_DIR/outputs.json',
            inputs: { word: write },
            outputs: { loud: 'loud.txt' },
          }),
        })
        .step('read', {
          needs: ['shout'],
          run: async (ctx, { shout }) => ({
            text: (await ctx.readArtifact(shout.loud as never)).toString(),
          }),
        })
      const run = await (await t.lathe.pipelines.run(p)).done
      expect(run.status).toBe('succeeded')
      expect(run.steps[1]!.outputs).toMatchObject({
        chars: 5,
        loud: { artifact: 'loud.txt', sizeBytes: 5 },
      })
      expect(run.steps[2]!.outputs).toEqual({ text: 'HELLO' })
    })

    it('refuses unknown parameters and values of the wrong type', async () => {
      const p = pipeline('typed', { params: { n: 1 } }).step('a', {
        params: ['n'],
        run: (ctx) => ctx.params.n,
      })
      await expect(t.lathe.pipelines.run(p, { params: { m: 2 } })).rejects.toThrow(
        "Unknown parameter 'm' (parameters: n)",
      )
      await expect(t.lathe.pipelines.run(p, { params: { n: 'many' } })).rejects.toThrow(
        `Parameter 'n' must be a number (default 1), got "many"`,
      )
    })
  })
}
