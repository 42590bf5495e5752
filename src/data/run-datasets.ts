import { mlflowTypeOf } from './column-type.js'
import type { DatasetService } from './dataset-service.js'
import type { DatasetVersion } from './dataset-version.js'
import type { DataDeps } from './deps.js'
import type { VersionRef } from './version-ref.js'

/** The tag MLflow clients read to tell training from evaluation inputs. */
const CONTEXT_TAG = 'mlflow.data.context'
const VERSION_TAG = 'lathe.dataset_version'

/** Links tracking runs with the dataset versions they read, through the tracking context's API. */
export class RunDatasets {
  constructor(
    private readonly deps: DataDeps,
    private readonly datasets: DatasetService,
  ) {}

  /**
   * Logs a stored version as an input of a run in MLflow's `log-inputs` dataset shape: digest =
   * content sha256, source = `{"uri": …}`, schema = `{"mlflow_colspec": […]}`, profile =
   * `{"num_rows", "num_elements"}` (what MLflow's UI shows). @throws NotFoundError
   */
  async logInput(
    runId: string,
    ref: string | VersionRef,
    context = 'training',
  ): Promise<DatasetVersion> {
    const version = await this.datasets.get(ref)
    const colspec = version.schema.map((c) => ({
      type: mlflowTypeOf(c.type),
      name: c.name,
      required: false,
    }))
    const dataset = {
      name: version.name,
      digest: version.digest,
      sourceType: 'local',
      source: JSON.stringify({ uri: version.source }),
      schema: JSON.stringify({ mlflow_colspec: colspec }),
      profile: JSON.stringify({
        num_rows: version.rowCount,
        num_elements: version.rowCount * version.schema.length,
      }),
    }
    const tags = [
      { key: CONTEXT_TAG, value: context },
      { key: VERSION_TAG, value: `${version.name}:${version.version}` },
    ]
    await this.deps.tracking.inputs.logInputs(runId, [{ dataset, tags }])
    return version
  }

  /** "Which dataset trained this run?": the stored versions whose content the run logged as input. */
  async inputsOf(
    runId: string,
  ): Promise<{ context: string | undefined; version: DatasetVersion }[]> {
    const run = await this.deps.tracking.runs.get(runId)
    const found: { context: string | undefined; version: DatasetVersion }[] = []
    for (const input of run.inputs.datasetInputs) {
      const context = input.tags.find((t) => t.key === CONTEXT_TAG)?.value
      const candidates = await this.datasets.findByDigest(input.dataset.digest)
      const version = candidates.find((v) => v.name === input.dataset.name) ?? candidates[0]
      if (version) found.push({ context, version })
    }
    return found
  }
}
