import { chiSquareTest } from './chi-square.js'
import type { DriftTest, DriftTestName } from './drift-test.js'
import { jensenShannonTest } from './jensen-shannon.js'
import { ksTest } from './ks.js'
import { psiTest } from './psi.js'
import { wassersteinTest } from './wasserstein.js'
import { zTestTest } from './z-test.js'

/** Every drift test by its Evidently name. */
export const driftTests: Readonly<Record<DriftTestName, DriftTest>> = {
  ks: ksTest,
  chisquare: chiSquareTest,
  z: zTestTest,
  psi: psiTest,
  jensenshannon: jensenShannonTest,
  wasserstein: wassersteinTest,
}
