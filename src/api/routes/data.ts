import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import {
  storedInput,
  type DatasetVersion,
  type DriftReport,
  type DriftReportSummary,
  type StoredDriftReport,
  type StoredContract,
  type StoredValidationReport,
  type ValidationReportSummary,
} from '../../data/index.js'
import type { Lathe } from '../../main.js'
import * as C from '../contract/data.js'
import { rpc } from '../rpc.js'

const None = z.object({})

/** Native data routes: dataset versions and aliases, contracts, validation reports. */
export function dataRoutes(app: FastifyInstance, { data }: Lathe): void {
  const { datasets } = data

  rpc(app, 'GET', '/api/v1/datasets', None, async () => ({
    datasets: (await datasets.list()).map((d) => ({
      name: d.name,
      latest_version: d.latestVersion,
      version_count: d.versionCount,
      updated_at: d.updatedAtMs,
    })),
  }))
  rpc(app, 'GET', '/api/v1/datasets/:name/versions', None, async (_q, request) => {
    const { name } = C.DatasetParams.parse(request.params)
    return { versions: (await datasets.versions(name)).map(versionJson) }
  })
  rpc(app, 'GET', '/api/v1/datasets/:name/versions/:version', None, async (_q, request) => {
    const { name, version } = C.DatasetVersionParams.parse(request.params)
    return { version: versionJson(await datasets.get({ name, version })) }
  })
  rpc(app, 'POST', '/api/v1/datasets/:name/aliases', C.SetAlias, async (body, request) => {
    const { name } = C.DatasetParams.parse(request.params)
    await datasets.setAlias(name, body.alias, body.version)
    return { version: versionJson(await datasets.get({ name, alias: body.alias })) }
  })
  rpc(app, 'DELETE', '/api/v1/datasets/:name/aliases/:alias', None, async (_q, request) => {
    const { name, alias } = C.AliasParams.parse(request.params)
    await datasets.deleteAlias(name, alias)
    return {}
  })
  tagRoutes(app, data)

  contractRoutes(app, data)
  reportRoutes(app, data)
}

function tagRoutes(app: FastifyInstance, { tags }: Lathe['data']): void {
  const path = '/api/v1/datasets/:name/versions/:version/tags'
  rpc(app, 'POST', path, C.SetTag, async (body, request) => {
    const { name, version } = C.DatasetVersionParams.parse(request.params)
    return { version: versionJson(await tags.set({ name, version }, body.key, body.value)) }
  })
  rpc(app, 'DELETE', `${path}/:key`, None, async (_q, request) => {
    const { name, version, key } = C.TagParams.parse(request.params)
    return { version: versionJson(await tags.delete({ name, version }, key)) }
  })
}

function contractRoutes(app: FastifyInstance, { contracts }: Lathe['data']): void {
  rpc(app, 'GET', '/api/v1/contracts', None, async () => ({
    contracts: (await contracts.list()).map((c) => ({
      name: c.name,
      latest_version: c.latestVersion,
      updated_at: c.updatedAtMs,
    })),
  }))
  // The body is the contract itself, checked by the same rules as a contract file.
  rpc(app, 'POST', '/api/v1/contracts', z.unknown(), async (body) => {
    const { contract, created } = await contracts.register(body)
    return { contract: contractJson(contract), created }
  })
  rpc(app, 'GET', '/api/v1/contracts/:name', None, async (_q, request) => {
    const { name } = C.ContractParams.parse(request.params)
    return { versions: (await contracts.versions(name)).map(contractJson) }
  })
  rpc(app, 'GET', '/api/v1/contracts/:name/versions/:version', None, async (_q, request) => {
    const { name, version } = C.ContractVersionParams.parse(request.params)
    return { contract: contractJson(await contracts.get({ name, version })) }
  })
  rpc(app, 'GET', '/api/v1/contracts/:name/diff', C.ContractDiffQuery, async (q, request) => {
    const { name } = C.ContractParams.parse(request.params)
    const diff = await contracts.diff(`${name}:${q.from}`, `${name}:${q.to}`)
    return { is_breaking: diff.isBreaking, changes: diff.changes }
  })
}

/** Validation reports, and drift reports between stored data. */
function reportRoutes(app: FastifyInstance, { validation, drift }: Lathe['data']): void {
  rpc(app, 'GET', '/api/v1/validation-reports', C.ReportQuery, async (q) => ({
    reports: (
      await validation.list({
        datasetVersionId: q.dataset_version_id,
        contractName: q.contract,
        limit: q.max_results,
      })
    ).map(reportJson),
  }))
  rpc(app, 'POST', '/api/v1/validation-reports', C.Validate, async (body) => ({
    report: reportJson(
      await validation.validate({
        data: storedInput(body.dataset),
        contract: body.contract,
        maxExamples: body.max_examples,
      }),
    ),
  }))
  rpc(app, 'GET', '/api/v1/validation-reports/:id', None, async (_q, request) => {
    const { id } = C.ReportParams.parse(request.params)
    return { report: reportJson(await validation.get(id)) }
  })

  // Stored versions and artifact-store files only: the server never reads a path it is sent.
  rpc(app, 'POST', '/api/v1/drift', C.Drift, async (body) => {
    const { report } = await drift.run(
      { ref: body.reference },
      { ref: body.current },
      {
        columns: body.columns,
        test: body.test,
        threshold: body.threshold,
        driftShare: body.drift_share,
      },
    )
    return { report: driftJson(report) }
  })
  rpc(app, 'GET', '/api/v1/drift-reports', C.DriftReportQuery, async (q) => ({
    reports: (
      await drift.list({ datasetVersionId: q.dataset_version_id, limit: q.max_results })
    ).map(driftJson),
  }))
  rpc(app, 'GET', '/api/v1/drift-reports/:id', None, async (_q, request) => {
    const { id } = C.ReportParams.parse(request.params)
    return { report: driftJson(await drift.get(id)) }
  })
}

/** A stored drift report; a listed one without its columns. */
function driftJson(r: StoredDriftReport | DriftReportSummary) {
  const side = (s: DriftReport['reference']) => ({
    source: s.source,
    format: s.format,
    row_count: s.rowCount,
    version_id: s.versionId ?? null,
    digest: s.digest ?? null,
  })
  return {
    id: r.id,
    created_at: r.createdAtMs,
    created_by: r.createdBy,
    reference: side(r.reference),
    current: side(r.current),
    dataset: {
      column_count: r.dataset.columnCount,
      drifted_count: r.dataset.driftedCount,
      drifted_share: r.dataset.driftedShare,
      drift_share: r.dataset.driftShare,
      is_drifted: r.dataset.isDrifted,
    },
    ...('columns' in r ? { columns: r.columns.map(columnJson) } : {}),
  }
}

function columnJson(c: DriftReport['columns'][number]) {
  return {
    name: c.name,
    kind: c.kind,
    skipped: c.skipped ?? null,
    ...(c.result
      ? {
          test: c.result.test,
          statistic: c.result.statistic,
          p_value: c.result.pValue ?? null,
          score: c.result.score,
          threshold: c.result.threshold,
          is_drifted: c.result.isDrifted,
          reference_count: c.result.referenceCount,
          current_count: c.result.currentCount,
        }
      : {}),
  }
}

function versionJson(v: DatasetVersion) {
  return {
    id: v.id,
    name: v.name,
    version: v.version,
    digest: v.digest,
    format: v.format,
    source: v.source,
    size_bytes: v.sizeBytes,
    row_count: v.rowCount,
    schema: v.schema.map((c) => ({ name: c.name, type: c.type, source_type: c.sourceType })),
    profile: v.profile,
    aliases: v.aliases,
    tags: v.tags,
    created_at: v.createdAtMs,
    created_by: v.createdBy,
  }
}

function contractJson(c: StoredContract) {
  return {
    name: c.name,
    version: c.version,
    hash: c.hash,
    body: c.contract,
    created_at: c.createdAtMs,
    created_by: c.createdBy,
  }
}

/** A report; example rows keep the dataset's own column names. */
function reportJson(r: StoredValidationReport | ValidationReportSummary) {
  return {
    id: r.id,
    success: r.success,
    contract: r.contract,
    dataset: {
      source: r.dataset.source,
      format: r.dataset.format,
      row_count: r.dataset.rowCount,
      digest: r.dataset.digest ?? null,
      version_id: r.dataset.versionId ?? null,
    },
    statistics: r.statistics,
    created_at: r.evaluatedAtMs,
    created_by: r.createdBy,
    ...('results' in r
      ? {
          results: r.results.map((x) => ({
            expectation: x.expectation,
            columns: x.columns ?? [],
            description: x.description,
            success: x.success,
            observed: x.observed,
            failing_count: x.failingCount ?? null,
            examples: x.examples,
          })),
        }
      : {}),
  }
}
