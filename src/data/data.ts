import { ContractService } from './contract-service.js'
import { DataReader } from './data-reader.js'
import { DatasetService } from './dataset-service.js'
import { DatasetTags } from './dataset-tags.js'
import { DriftReportService } from './drift-report-service.js'
import type { DataDeps } from './deps.js'
import { ProfileService } from './profile-service.js'
import { RunDatasets } from './run-datasets.js'
import { ValidationService } from './validation-service.js'

/** The data context's services, built once by the composition root. */
export class Data {
  readonly datasets: DatasetService
  /** Streams rows of files and stored versions in batches. */
  readonly reader: DataReader
  /** Key/value tags of dataset versions. */
  readonly tags: DatasetTags
  readonly contracts: ContractService
  readonly validation: ValidationService
  readonly runs: RunDatasets
  /** Profiles and drift of files and stored versions. */
  readonly profiles: ProfileService
  /** Drift comparisons, stored as reports. */
  readonly drift: DriftReportService

  constructor(deps: DataDeps) {
    this.datasets = new DatasetService(deps)
    this.contracts = new ContractService(deps)
    this.validation = new ValidationService(deps, this.contracts, this.datasets)
    this.runs = new RunDatasets(deps, this.datasets)
    this.profiles = new ProfileService(this.datasets)
    this.tags = new DatasetTags(deps, this.datasets)
    this.reader = new DataReader(deps, this.datasets)
    this.drift = new DriftReportService(deps, this.profiles)
  }
}
