import { AliasService } from './alias-service.js'
import { ApprovalService } from './approval-service.js'
import type { RegistryDeps } from './deps.js'
import { GateService } from './gate-service.js'
import { ModelVersionService } from './model-version-service.js'
import { RegisteredModelService } from './registered-model-service.js'

/** The registry context's services, built once by the composition root. */
export class Registry {
  readonly models: RegisteredModelService
  readonly versions: ModelVersionService
  readonly aliases: AliasService
  readonly gates: GateService
  readonly approvals: ApprovalService

  constructor(deps: RegistryDeps) {
    this.models = new RegisteredModelService(deps)
    this.versions = new ModelVersionService(deps)
    this.aliases = new AliasService(deps)
    this.gates = new GateService(deps, this.versions, this.aliases)
    this.approvals = new ApprovalService(deps)
  }
}
