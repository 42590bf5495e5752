import type { LineageEdgeInput, LineageRule } from './model.js'
import { subjectRef } from './tracking-lineage-rules.js'

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined
}

/**
 * How the data context's events become lineage. A dataset version is `logged_as` the
 * `dataset:NAME@DIGEST` node that tracking's rules make when a run logs it as an input (the data
 * context logs versions by name and content digest), so "which data trained this run" reaches the
 * stored version. A validation report is where a dataset version was `validated_in` against a
 * contract version. A drift report is where a stored reference and current version were
 * `compared_in`. Shapes: src/data/dataset-service.ts, contract-service.ts,
 * validation-service.ts, drift-report-service.ts.
 */
export const dataLineageRules: Readonly<Record<string, LineageRule>> = {
  'dataset.version_created': (event) => {
    const version = subjectRef(event)
    const { name, version: number, digest, source, rowCount } = event.payload
    const logged = text(name) && text(digest) ? { kind: 'dataset', id: `${name}@${digest}` } : null
    return {
      nodes: [
        {
          ...version,
          label: text(name) ? `${String(name)} v${String(number)}` : undefined,
          attributes: { name, version: number, digest, source, row_count: rowCount },
        },
      ],
      edges: logged ? [{ from: version, relation: 'logged_as', to: logged }] : [],
    }
  },
  'contract.created': (event) => ({
    nodes: [
      {
        ...subjectRef(event),
        label: `${String(event.payload.name)} v${String(event.payload.version)}`,
        attributes: { name: event.payload.name, hash: event.payload.hash },
      },
    ],
  }),
  'validation.completed': (event) => {
    const report = subjectRef(event)
    const { success, datasetVersionId, contract } = event.payload
    const edges: LineageEdgeInput[] = []
    const versionId = text(datasetVersionId)
    if (versionId) {
      edges.push({
        from: { kind: 'dataset_version', id: versionId },
        relation: 'validated_in',
        to: report,
      })
    }
    const checked = contract as { name?: unknown; version?: unknown } | undefined
    if (text(checked?.name) && typeof checked?.version === 'number') {
      const id = `${String(checked.name)}:${checked.version}`
      edges.push({ from: { kind: 'contract_version', id }, relation: 'checked_in', to: report })
    }
    return { nodes: [{ ...report, attributes: { success } }], edges }
  },
  'drift.completed': (event) => {
    const report = subjectRef(event)
    const { isDrifted, driftedShare, referenceVersionId, currentVersionId } = event.payload
    const compared = [text(referenceVersionId), text(currentVersionId)].filter(
      (id): id is string => id !== undefined,
    )
    return {
      nodes: [{ ...report, attributes: { is_drifted: isDrifted, drifted_share: driftedShare } }],
      edges: [...new Set(compared)].map((id) => ({
        from: { kind: 'dataset_version', id },
        relation: 'compared_in',
        to: report,
      })),
    }
  },
}
