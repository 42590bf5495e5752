import type { Selectable } from 'kysely'
import { appendEvents } from '../events/index.js'
import { currentActor } from '../shared/actor.js'
import { NotFoundError } from '../shared/errors.js'
import { newUuid } from '../shared/ids.js'
import { parseContract } from './parse-contract.js'
import { jsonHash } from './canonical-json.js'
import type { Contract, ContractInput } from './contract.js'
import type { ContractService } from './contract-service.js'
import type { DataFormat } from './data-format.js'
import type { DataInput } from './data-input.js'
import { DataSession } from './data-session.js'
import { hashFile } from './dataset-file.js'
import type { DatasetService } from './dataset-service.js'
import type { DatasetVersion } from './dataset-version.js'
import type { DataDeps } from './deps.js'
import type { DataTables } from './schema.js'
import { validateTable, type ValidationOutcome } from './validation/validate-table.js'
import type { StoredValidationReport, ValidationReport } from './validation-report.js'

/** What to validate against what. */
export interface ValidateInput {
  /** A local file, a file in the artifact store, or a stored dataset version. */
  readonly data: DataInput
  /** A stored contract (`name` or `name:2`), or a contract from a file or code. */
  readonly contract: string | Contract | ContractInput
  /** Failing rows to keep per expectation (default 5). */
  readonly maxExamples?: number | undefined
}

/** A stored report without its results, for listings. */
export type ValidationReportSummary = Omit<StoredValidationReport, 'results'>

type Row = Selectable<DataTables['validation_reports']>

/** Validates data against contracts and keeps every report, linked to the version it checked. */
export class ValidationService {
  constructor(
    private readonly deps: DataDeps,
    private readonly contracts: ContractService,
    private readonly datasets: DatasetService,
  ) {}

  /**
   * Checks the data, stores the report and returns it. A local file whose bytes match a stored
   * version is linked to that version. Failing expectations are a report with `success: false`,
   * not an error. @throws NotFoundError, InvalidParameterError for unreadable data or contracts
   */
  async validate(input: ValidateInput): Promise<StoredValidationReport> {
    const contract = await this.#resolveContract(input.contract)
    const maxExamples = input.maxExamples ?? 5
    const nowMs = this.deps.clock.nowMs()
    const check = (path: string, format?: DataFormat) =>
      checkFile(path, format, contract.body, { nowMs, maxExamples })
    const { outcome, dataset } = await this.datasets.withInput(input.data, async (file) => {
      const outcome = await check(file.path, file.format)
      // A file is linked to the stored version with the same bytes, if there is one.
      const digest = file.version?.digest ?? (await hashFile(file.path)).digest
      const version = file.version ?? (await this.datasets.findByDigest(digest)).at(-1)
      const dataset: ValidationReport['dataset'] = version
        ? describe(version, file.source, outcome)
        : { source: file.source, format: outcome.format, rowCount: outcome.rowCount, digest }
      return { outcome, dataset }
    })
    const report: ValidationReport = {
      success: outcome.success,
      contract: { name: contract.body.name, version: contract.version, hash: contract.hash },
      dataset,
      evaluatedAtMs: nowMs,
      statistics: outcome.statistics,
      results: outcome.results,
    }
    return this.#store(report)
  }

  /** A stored report. @throws NotFoundError */
  async get(id: string): Promise<StoredValidationReport> {
    const row = await this.deps.store
      .db<DataTables>()
      .selectFrom('validation_reports')
      .selectAll()
      .where('report_id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No validation report with id '${id}'`)
    return fromRow(row)
  }

  /** Reports, newest first, optionally only those of one dataset version or contract. */
  async list(
    filter: { datasetVersionId?: string; contractName?: string; limit?: number } = {},
  ): Promise<ValidationReportSummary[]> {
    let query = this.deps.store.db<DataTables>().selectFrom('validation_reports').selectAll()
    if (filter.datasetVersionId)
      query = query.where('dataset_version_id', '=', filter.datasetVersionId)
    if (filter.contractName) query = query.where('contract_name', '=', filter.contractName)
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('report_id')
      .limit(filter.limit ?? 100)
      .execute()
    return rows.map((row) => {
      const { results: _results, ...summary } = fromRow(row)
      return summary
    })
  }

  async #resolveContract(
    contract: string | Contract | ContractInput,
  ): Promise<{ body: Contract; version: number | null; hash: string }> {
    if (typeof contract === 'string') {
      const stored = await this.contracts.get(contract)
      return { body: stored.contract, version: stored.version, hash: stored.hash }
    }
    // Checked again: callers in code may pass a literal that never went through the parser.
    const body = parseContract(contract)
    const hash = jsonHash(body)
    // A contract from a file that is also stored is reported as that stored version.
    const stored = await this.deps.store
      .db<DataTables>()
      .selectFrom('contracts')
      .select('version')
      .where('name', '=', contract.name)
      .where('hash', '=', hash)
      .executeTakeFirst()
    return { body, version: stored ? Number(stored.version) : null, hash }
  }

  async #store(report: ValidationReport): Promise<StoredValidationReport> {
    const stored: StoredValidationReport = { ...report, id: newUuid(), createdBy: currentActor() }
    await this.deps.store.transaction<DataTables, void>(async (trx) => {
      await trx
        .insertInto('validation_reports')
        .values({
          report_id: stored.id,
          contract_name: report.contract.name,
          contract_version: report.contract.version,
          contract_hash: report.contract.hash,
          dataset_version_id: report.dataset.versionId ?? null,
          dataset_digest: report.dataset.digest ?? null,
          source: report.dataset.source,
          success: report.success ? 1 : 0,
          report: JSON.stringify(report),
          created_at: report.evaluatedAtMs,
          created_by: stored.createdBy,
        })
        .execute()
      const payload = {
        reportId: stored.id,
        success: report.success,
        datasetVersionId: report.dataset.versionId ?? null,
        datasetDigest: report.dataset.digest ?? null,
        contract: report.contract,
      }
      const event = {
        type: 'validation.completed',
        subject: `validation_report:${stored.id}`,
        payload,
        actor: stored.createdBy,
      }
      await appendEvents(trx, [event], report.evaluatedAtMs)
    })
    return stored
  }
}

/** Reads `path` with the contract's types and checks it, in a session of its own. */
async function checkFile(
  path: string,
  format: DataFormat | undefined,
  contract: Contract,
  options: { nowMs: number; maxExamples: number },
): Promise<ValidationOutcome & { format: string }> {
  const session = await DataSession.open()
  try {
    const types = Object.fromEntries(contract.columns.map((c) => [c.name, c.type]))
    const table = await session.register('data', path, { format, types })
    return { ...(await validateTable(session, table, contract, options)), format: table.format }
  } finally {
    await session.close()
  }
}

function describe(
  version: DatasetVersion,
  source: string,
  outcome: ValidationOutcome,
): ValidationReport['dataset'] {
  return {
    source,
    format: version.format,
    rowCount: outcome.rowCount,
    digest: version.digest,
    versionId: version.id,
  }
}

function fromRow(row: Row): StoredValidationReport {
  return {
    ...(JSON.parse(row.report) as ValidationReport),
    id: row.report_id,
    createdBy: row.created_by,
  }
}
