import { ContractService } from './contract-service.js'
import { DatasetService } from './dataset-service.js'
import type { DataDeps } from './deps.js'
import { RunDatasets } from './run-datasets.js'
import { ValidationService } from './validation-service.js'

/** The data context's services, built once by the composition root. */
export class Data {
  readonly datasets: DatasetService
  readonly contracts: ContractService
  readonly validation: ValidationService
  readonly runs: RunDatasets

  constructor(deps: DataDeps) {
    this.datasets = new DatasetService(deps)
    this.contracts = new ContractService(deps)
    this.validation = new ValidationService(deps, this.contracts, this.datasets)
    this.runs = new RunDatasets(deps, this.datasets)
  }
}
