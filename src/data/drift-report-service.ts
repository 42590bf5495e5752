import type { Selectable } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { NotFoundError } from '../shared/errors.js'
import { newUuid } from '../shared/ids.js'
import type { DataInput } from './data-input.js'
import type { DataDeps } from './deps.js'
import type { DriftOptions } from './drift/drift-profiles.js'
import type { DatasetProfile } from './profile/dataset-profile.js'
import type { DriftReport, ProfileService } from './profile-service.js'
import type { DataTables } from './schema.js'

/** A drift report as stored: who compared what, when. */
export interface StoredDriftReport extends DriftReport {
  readonly id: string
  readonly createdAtMs: number
  readonly createdBy: string
}

/** A stored report without its per-column results, for listings. */
export type DriftReportSummary = Omit<StoredDriftReport, 'columns'>

type Row = Selectable<DataTables['drift_reports']>

/** Runs drift comparisons and keeps every report, so it can be listed and read again. */
export class DriftReportService {
  constructor(
    private readonly deps: DataDeps,
    private readonly profiles: ProfileService,
  ) {}

  /**
   * Compares `current` with `reference` (see `ProfileService.drift`), stores the report and
   * returns it with the profiles it came from (for plots).
   * @throws NotFoundError, InvalidParameterError for unreadable data or options
   */
  async run(
    reference: DataInput,
    current: DataInput,
    options: DriftOptions = {},
  ): Promise<{
    report: StoredDriftReport
    profiles: { reference: DatasetProfile; current: DatasetProfile }
  }> {
    const { report, profiles } = await this.profiles.drift(reference, current, options)
    return { report: await this.#store(report), profiles }
  }

  /** A stored report. @throws NotFoundError */
  async get(id: string): Promise<StoredDriftReport> {
    const row = await this.deps.store
      .db<DataTables>()
      .selectFrom('drift_reports')
      .selectAll()
      .where('report_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No drift report with id '${id}'`)
    return fromRow(row)
  }

  /** Reports, newest first; with `datasetVersionId`, those with that version on either side. */
  async list(
    filter: { datasetVersionId?: string | undefined; limit?: number | undefined } = {},
  ): Promise<DriftReportSummary[]> {
    let query = this.deps.store.db<DataTables>().selectFrom('drift_reports').selectAll()
    const id = filter.datasetVersionId
    if (id) {
      query = query.where((eb) =>
        eb.or([eb('reference_version_id', '=', id), eb('current_version_id', '=', id)]),
      )
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('report_id')
      .limit(filter.limit ?? 100)
      .execute()
    return rows.map((row) => {
      const { columns: _columns, ...summary } = fromRow(row)
      return summary
    })
  }

  async #store(report: DriftReport): Promise<StoredDriftReport> {
    const stored: StoredDriftReport = {
      ...report,
      id: newUuid(),
      createdAtMs: this.deps.clock.nowMs(),
      createdBy: currentActor(),
    }
    await this.deps.store.transaction<DataTables, void>(async (trx) => {
      await trx
        .insertInto('drift_reports')
        .values({
          report_id: stored.id,
          reference_source: report.reference.source,
          reference_version_id: report.reference.versionId ?? null,
          current_source: report.current.source,
          current_version_id: report.current.versionId ?? null,
          is_drifted: report.dataset.isDrifted ? 1 : 0,
          drifted_share: report.dataset.driftedShare,
          report: JSON.stringify(report),
          created_at: stored.createdAtMs,
          created_by: stored.createdBy,
        })
        .execute()
      const payload = {
        reportId: stored.id,
        isDrifted: report.dataset.isDrifted,
        driftedShare: report.dataset.driftedShare,
        referenceVersionId: report.reference.versionId ?? null,
        currentVersionId: report.current.versionId ?? null,
      }
      const event = {
        type: 'drift.completed',
        subject: `drift_report:${stored.id}`,
        payload,
        actor: stored.createdBy,
      }
      await appendEvents(trx, [event], stored.createdAtMs)
    })
    return stored
  }
}

function fromRow(row: Row): StoredDriftReport {
  return {
    ...(JSON.parse(row.report) as DriftReport),
    id: row.report_id,
    createdAtMs: Number(row.created_at),
    createdBy: row.created_by,
  }
}
