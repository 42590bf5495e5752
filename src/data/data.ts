import { ContractService } from './contract-service.js'
import { DatasetService } from './dataset-service.js'
import type { DataDeps } from './deps.js'
import { ProfileService } from './profile-service.js'
import { RunDatasets } from './run-datasets.js'
import { ValidationService } from './validation-service.js'

/** The data context's services, built once by the composition root. */
export class Data {
  readonly datasets: DatasetService
  readonly contracts: ContractService
  readonly validation: ValidationService
  readonly runs: RunDatasets
  /** Profiles and drift of files and stored versions. */
  readonly profiles: ProfileService

  constructor(deps: DataDeps) {
    this.datasets = new DatasetService(deps)
    this.contracts = new ContractService(deps)
    this.validation = new ValidationService(deps, this.contracts, this.datasets)
    this.runs = new RunDatasets(deps, this.datasets)
    this.profiles = new ProfileService(this.datasets)
  }
}
