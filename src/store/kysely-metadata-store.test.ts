import { testBackends } from '../../test/support/backends.js'
import { describeMetadataStore } from './metadata-store.contract.js'
import { openMetadataStore } from './open.js'

for (const backend of testBackends) {
  describeMetadataStore(backend.name, async () => {
    const { config, cleanup } = await backend.fresh()
    return { open: () => openMetadataStore(config.database), cleanup }
  })
}
