import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runAs } from '../src/shared/actor.js'
import { testBackends } from './support/backends.js'
import { startTestLathe, type TestLathe } from './support/lathe.js'

for (const backend of testBackends) {
  describe(`audit log (${backend.name})`, () => {
    let t: TestLathe
    beforeEach(async () => {
      t = await startTestLathe(backend)
    })
    afterEach(async () => t.close())

    /** Six tracking mutations by ada: experiment, run, params, inputs, finish, tag. */
    function someHistory() {
      const { tracking } = t.lathe
      return runAs('ada', async () => {
        const experimentId = await tracking.experiments.create({ name: 'churn' })
        const run = await tracking.runs.create({ experimentId, runName: 'first' })
        const runId = run.info.runId
        await tracking.runs.logBatch(runId, { params: [{ key: 'lr', value: '0.1' }] })
        await tracking.inputs.logInputs(runId, [
          {
            tags: [],
            dataset: { name: 'train', digest: 'd1', sourceType: 'local', source: 'train.csv' },
          },
        ])
        await tracking.runs.update(runId, { status: 'FINISHED', endTime: 5 })
        await tracking.experiments.setTag(experimentId, { key: 'team', value: 'growth' })
        return { experimentId, runId }
      })
    }

    const db = () => t.lathe.store.db()

    it('records each tracking mutation with who, what, when, before and after', async () => {
      const { runId } = await someHistory()
      await t.lathe.audit.drain()
      const page = await t.lathe.audit.list({ subjects: [`run:${runId}`], order: 'asc' })
      expect(page.entries.map((e) => [e.type, e.actor])).toEqual([
        ['run.created', 'ada'],
        ['run.logged', 'ada'],
        ['run.inputs_logged', 'ada'],
        ['run.updated', 'ada'],
      ])
      const update = page.entries[3]!
      expect(update.before).toEqual({ status: 'RUNNING' })
      expect(update.after).toMatchObject({ status: 'FINISHED', end_time: 5 })
      expect(update.atMs).toBeGreaterThan(0)
      const seqs = page.entries.map((e) => e.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(await t.lathe.audit.verify()).toMatchObject({
        isValid: true,
        entries: 6,
        eventsChecked: 6,
        problems: [],
      })
    })

    it('shows the value a tag overwrite replaced, for experiments and runs', async () => {
      const { experimentId, runId } = await someHistory()
      const { tracking } = t.lathe
      await tracking.experiments.setTag(experimentId, { key: 'team', value: 'risk' })
      await tracking.runs.logBatch(runId, { tags: [{ key: 'stage', value: 'a' }] })
      await tracking.runs.logBatch(runId, {
        tags: [
          { key: 'stage', value: 'b' },
          { key: 'fresh', value: '1' },
        ],
      })
      await t.lathe.audit.drain()
      const tagged = await t.lathe.audit.list({ types: ['experiment.tag_set'], order: 'asc' })
      expect(tagged.entries.map((e) => [e.before, e.after])).toEqual([
        [null, { key: 'team', value: 'growth' }],
        [
          { key: 'team', value: 'growth' },
          { key: 'team', value: 'risk' },
        ],
      ])
      const logged = await t.lathe.audit.list({
        subjects: [`run:${runId}`],
        types: ['run.logged'],
        order: 'asc',
      })
      const changes = logged.entries.map((e) => [e.before, e.after?.tags])
      expect(changes.slice(-2)).toEqual([
        [null, { stage: 'a' }],
        [{ tags: { stage: 'a' } }, { stage: 'b', fresh: '1' }],
      ])
    })

    it('filters by user, type and subject prefix, and pages newest first', async () => {
      await someHistory()
      await runAs('bob', () => t.lathe.tracking.experiments.create({ name: 'other' }))
      await t.lathe.audit.drain()
      const bob = await t.lathe.audit.list({ actor: 'bob' })
      expect(bob.entries.map((e) => e.type)).toEqual(['experiment.created'])
      const experiments = await t.lathe.audit.list({ subjectPrefixes: ['experiment:'] })
      expect(experiments.entries.map((e) => e.type)).toEqual([
        'experiment.created',
        'experiment.tag_set',
        'experiment.created',
      ])
      const first = await t.lathe.audit.list({ limit: 4 })
      expect(first.entries.map((e) => e.seq)).toEqual([7, 6, 5, 4])
      const second = await t.lathe.audit.list({ limit: 4, beforeSeq: first.nextSeq })
      expect(second.entries.map((e) => e.seq)).toEqual([3, 2, 1])
      expect(second.nextSeq).toBeUndefined()
      const types = await t.lathe.audit.list({ types: ['run.updated', 'run.created'] })
      expect(types.entries).toHaveLength(2)
      expect((await t.lathe.audit.list({ subjectPrefixes: ['run%'] })).entries).toEqual([])
    })

    it('sees a change that commits while a background delivery is in flight', async () => {
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let reached!: () => void
      const isBlocked = new Promise<void>((resolve) => (reached = resolve))
      // A slow subscriber after the audit one keeps the first delivery in flight.
      t.lathe.events.subscribe(
        'slow',
        async () => {
          reached()
          await gate
        },
        { fromStart: true },
      )
      const create = (name: string) =>
        runAs('ada', () => t.lathe.tracking.experiments.create({ name }))
      await create('before')
      const inFlight = t.lathe.events.drain()
      await isBlocked
      await create('during')
      const drained = t.lathe.audit.drain()
      release()
      await drained
      const entries = (await t.lathe.audit.list({ order: 'asc' })).entries
      expect(entries.map((e) => e.payload.name)).toEqual(['before', 'during'])
      await inFlight
    })

    it('adds nothing when events are delivered again', async () => {
      await someHistory()
      await t.lathe.audit.drain()
      const before = await t.lathe.audit.list({ order: 'asc' })
      // Rewind the subscriber, as a crash between appending and saving its position would.
      await sql`update event_cursors set position = 0 where subscriber = 'audit'`.execute(db())
      await t.lathe.audit.drain()
      const after = await t.lathe.audit.list({ order: 'asc' })
      expect(after.entries).toEqual(before.entries)
      expect((await t.lathe.audit.verify()).isValid).toBe(true)
    })

    it('reports an entry edited by hand', async () => {
      await someHistory()
      await t.lathe.audit.drain()
      await sql`update audit_entries set payload = ${'{"params":{"lr":"0.9"}}'} where seq = 3`.execute(
        db(),
      )
      const result = await t.lathe.audit.verify()
      expect(result.isValid).toBe(false)
      expect(result.problems[0]).toMatchObject({ reason: 'edited', seq: 3 })
      expect(result.problems[0]!.message).toContain('run.logged')
    })

    it('reports an edited actor even when the attacker re-hashes the chain', async () => {
      await someHistory()
      await t.lathe.audit.drain()
      await sql`update audit_entries set actor = 'mallory' where seq = 2`.execute(db())
      await rehashChain()
      const result = await t.lathe.audit.verify()
      expect(result.problems).toEqual([
        expect.objectContaining({ reason: 'mismatch', seq: 2, eventId: 2 }),
      ])
    })

    it('reports a deleted entry, in the middle or at the end', async () => {
      await someHistory()
      await t.lathe.audit.drain()
      await sql`delete from audit_entries where seq = 4`.execute(db())
      const middle = await t.lathe.audit.verify()
      expect(middle.isValid).toBe(false)
      expect(middle.problems[0]).toMatchObject({ reason: 'deleted', seq: 4 })
      expect(middle.problems).toContainEqual(
        expect.objectContaining({ reason: 'missing', eventId: 4 }),
      )
      await sql`delete from audit_entries where seq = 6`.execute(db())
      const tail = await t.lathe.audit.verify()
      expect(tail.problems).toContainEqual(expect.objectContaining({ reason: 'deleted', seq: 6 }))
    })

    it('reports entries swapped in place', async () => {
      await someHistory()
      await t.lathe.audit.drain()
      await sql`update audit_entries set seq = 100 where seq = 2`.execute(db())
      await sql`update audit_entries set seq = 2 where seq = 3`.execute(db())
      await sql`update audit_entries set seq = 3 where seq = 100`.execute(db())
      const result = await t.lathe.audit.verify()
      expect(result.problems[0]).toMatchObject({ reason: 'reordered', seq: 2 })
    })

    it('serves the log and its verification over HTTP', async () => {
      const { runId } = await someHistory()
      await t.lathe.audit.drain()
      const log = await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?user=ada&subject=run:${runId}&limit=2`,
      })
      expect(log.statusCode, log.body).toBe(200)
      const body = log.json()
      expect(body.entries.map((e: { type: string }) => e.type)).toEqual([
        'run.updated',
        'run.inputs_logged',
      ])
      expect(body.entries[0]).toMatchObject({ actor: 'ada', before: { status: 'RUNNING' } })
      expect(body.next_page).toEqual({ before: body.entries[1].seq })
      const bad = await t.app.inject({ method: 'GET', url: '/api/v1/audit?limit=0' })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().message).toContain('limit')
      await sql`update audit_entries set subject = 'run:other' where seq = 1`.execute(db())
      const verify = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify' })
      expect(verify.json()).toMatchObject({
        valid: false,
        problems: [{ reason: 'edited', seq: 1, event_id: 1 }],
      })
    })

    /** What an attacker who knows the algorithm does after editing: recompute every hash. */
    async function rehashChain(): Promise<void> {
      const { entryHash, GENESIS_HASH } = await import('../src/governance/audit-hash.js')
      const { rows } = await sql<Record<string, string | number | null>>`
        select * from audit_entries order by seq`.execute(db())
      let prev = GENESIS_HASH
      for (const r of rows) {
        const hash = entryHash(
          {
            seq: Number(r.seq),
            eventId: Number(r.event_id),
            type: String(r.type),
            subject: String(r.subject),
            actor: r.actor === null ? null : String(r.actor),
            atMs: Number(r.at),
            payload: String(r.payload),
          },
          prev,
        )
        await sql`update audit_entries set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(
          db(),
        )
        prev = hash
      }
      await sql`update audit_state set head_hash = ${prev}`.execute(db())
    }
  })

  describe(`audit log across processes (${backend.name})`, () => {
    // Two SQLite connections in one process block each other synchronously (better-sqlite3),
    // so only PostgreSQL can show two appenders racing inside one test process.
    it.skipIf(backend.name === 'sqlite')(
      'keeps one chain when two processes record the same events at once (PostgreSQL only: SQLite has one writer at a time)',
      async () => {
        const { config, cleanup } = await backend.fresh()
        const { openLathe } = await import('../src/main.js')
        const one = await openLathe(config)
        const two = await openLathe(config)
        try {
          for (let i = 0; i < 20; i++) {
            await runAs('ada', () => one.tracking.experiments.create({ name: `e${i}` }))
          }
          await Promise.all([one.audit.drain(), two.audit.drain(), one.audit.drain()])
          const result = await two.audit.verify()
          expect(result).toMatchObject({ isValid: true, entries: 20, eventsChecked: 20 })
        } finally {
          await one.close()
          await two.close()
          await cleanup()
        }
      },
    )
  })

  describe(`audit log with late commits (${backend.name})`, () => {
    it('records an event that commits after later ones were delivered', async () => {
      const { config, cleanup } = await backend.fresh()
      let now = 1_000_000
      const { openLathe } = await import('../src/main.js')
      const lathe = await openLathe(config, { nowMs: () => now })
      try {
        await runAs('ada', () => lathe.tracking.experiments.create({ name: 'a' }))
        await lathe.audit.drain()
        const db = lathe.store.db()
        // Event 3 commits while event 2 is still in flight.
        await sql`insert into events (id, type, subject, payload, actor, created_at)
          values (3, 'x.changed', 'x:1', '{}', 'ada', ${now})`.execute(db)
        await lathe.audit.drain()
        now += 60_000 // the dispatcher stops waiting for id 2 and reads past it
        await lathe.audit.drain()
        expect((await lathe.audit.list()).entries.map((e) => e.eventId)).toEqual([3, 1])
        expect((await lathe.audit.verify()).pendingEvents).toBe(0)
        await lathe.store.transaction(async (trx) => {
          await sql`insert into events (id, type, subject, payload, actor, created_at)
            values (2, 'x.changed', 'x:2', '{"late":true}', 'bob', ${now})`.execute(trx)
        })
        const result = await lathe.audit.verify()
        expect(result).toMatchObject({ isValid: true, entries: 3, eventsChecked: 3 })
        const entries = (await lathe.audit.list({ order: 'asc' })).entries
        expect(entries.map((e) => [e.seq, e.eventId])).toEqual([
          [1, 1],
          [2, 3],
          [3, 2],
        ])
      } finally {
        await lathe.close()
        await cleanup()
      }
    })
  })
}
