import type { ColumnSpec, TensorSpec } from '../models/index.js'
import type { DeploymentConfig, GateName, GateResult, ValidationPolicy } from './deployment.js'
import type { LoadedModel } from './loaded-model.js'
import { exampleTable } from './model-package.js'
import type { ModelOutputs } from './prediction-output.js'
import type { RawTable } from './raw-table.js'

const SERVABLE_COLUMNS = new Set(['boolean', 'integer', 'long', 'float', 'double', 'string'])

/** What the pre-release gates look at. */
export interface GateInput {
  readonly candidate: LoadedModel
  /** The version serving now, if any: the candidate must take what callers already send. */
  readonly current: LoadedModel | undefined
  readonly config: DeploymentConfig
  /** The deployment's golden set, read. */
  readonly golden: RawTable | undefined
  readonly nowMs: number
  /** Runs a model as serving does (on its worker, off the event loop). */
  readonly predict: Predict
}

/** Checks a table against a version's signature and runs it. */
export type Predict = (
  loaded: LoadedModel,
  table: RawTable,
  policy: ValidationPolicy,
) => Promise<ModelOutputs>

type Verdict = { passed: boolean; detail: string }

function typeOf(spec: ColumnSpec | TensorSpec): string {
  return spec.type === 'tensor' ? `tensor ${spec.dtype}[${spec.shape.join(',')}]` : spec.type
}

/** Gate 1: the input schema is servable and takes what callers of the serving version send. */
function schemaGate({ candidate, current, config }: GateInput): Verdict {
  const inputs = candidate.signature.inputs
  if (inputs.length === 0) return { passed: false, detail: 'The model declares no inputs' }
  const odd = inputs.find((s) => s.type !== 'tensor' && !SERVABLE_COLUMNS.has(s.type))
  if (odd)
    return {
      passed: false,
      detail: `Input '${odd.name}' has type ${odd.type}, which ONNX models cannot take`,
    }
  if (current && !config.allowSchemaChange) {
    const before = new Map(current.signature.inputs.map((s) => [s.name, s]))
    for (const spec of inputs) {
      const old = before.get(spec.name)
      const required = spec.type === 'tensor' || spec.required !== false
      if (!old && required) {
        return {
          passed: false,
          detail: `Version ${candidate.version} requires input '${spec.name}', which version ${current.version} does not take: callers do not send it (set allowSchemaChange to release anyway)`,
        }
      }
      if (old && typeOf(old) !== typeOf(spec)) {
        return {
          passed: false,
          detail: `Input '${spec.name}' is ${typeOf(spec)} in version ${candidate.version} but ${typeOf(old)} in version ${current.version} (set allowSchemaChange to release anyway)`,
        }
      }
    }
  }
  const names = inputs.map((s) => `${s.name}: ${typeOf(s)}`).join(', ')
  return { passed: true, detail: `${inputs.length} inputs (${names})` }
}

/** Gate 2: the declared signature matches the ONNX graph. */
function signatureGate({ candidate }: GateInput): Verdict {
  if (candidate.mismatches.length > 0) {
    return { passed: false, detail: candidate.mismatches.map((m) => m.message).join('; ') }
  }
  return {
    passed: true,
    detail: candidate.declared
      ? 'The signature matches the ONNX graph'
      : 'No signature declared: serving the graph inputs as read from the ONNX file',
  }
}

async function runSmoke(
  { candidate, predict }: GateInput,
  table: RawTable,
  what: string,
): Promise<string | undefined> {
  // The model is on trial here, not the caller: the example may hold missing values or extra
  // columns that the deployment would refuse from a request.
  const policy = { extraColumns: 'ignore', missingValues: 'allow', maxRows: table.rows } as const
  let outputs
  try {
    outputs = await predict(candidate, table, policy)
  } catch (err) {
    return `The ${what} failed: ${(err as Error).message}`
  }
  for (const [name, tensor] of outputs) {
    if ((tensor.dims[0] ?? 0) !== table.rows) {
      return `Output '${name}' has ${tensor.dims[0]} rows for the ${what}'s ${table.rows}`
    }
    const data = tensor.data as ArrayLike<unknown>
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] === 'number' && Number.isNaN(data[i]))
        return `Output '${name}' is NaN on the ${what}`
    }
  }
  return undefined
}

/** Gate 3: the input example and the golden set run, giving one finite answer per row. */
async function smokeGate(input: GateInput): Promise<Verdict> {
  const { candidate, golden, config } = input
  const ran: string[] = []
  if (candidate.inputExample !== undefined) {
    let table: RawTable
    try {
      table = exampleTable(candidate.inputExample, candidate.inputNames)
    } catch (err) {
      return { passed: false, detail: `The input example is malformed: ${(err as Error).message}` }
    }
    const problem = await runSmoke(input, table, 'input example')
    if (problem) return { passed: false, detail: problem }
    ran.push(`input example (${table.rows} rows)`)
  }
  if (golden) {
    const problem = await runSmoke(input, golden, `golden set ${config.goldenSet}`)
    if (problem) return { passed: false, detail: problem }
    ran.push(`golden set ${config.goldenSet} (${golden.rows} rows)`)
  }
  return {
    passed: true,
    detail: ran.length > 0 ? `Ran ${ran.join(' and ')}` : 'No input example or golden set to run',
  }
}

const GATES: readonly [GateName, (input: GateInput) => Verdict | Promise<Verdict>][] = [
  ['schema', schemaGate],
  ['signature', signatureGate],
  ['smoke', smokeGate],
]

/**
 * The gates before a version takes traffic, in order: input schema, signature against the
 * graph, smoke test. Stops at the first failure; every gate that ran is in the result.
 */
export async function runPreReleaseGates(input: GateInput): Promise<GateResult[]> {
  const results: GateResult[] = []
  for (const [gate, check] of GATES) {
    const verdict = await check(input)
    results.push({ gate, ...verdict, atMs: input.nowMs })
    if (!verdict.passed) break
  }
  return results
}

/** The first failed gate, if any. */
export function failedGate(results: readonly GateResult[]): GateResult | undefined {
  return results.find((r) => !r.passed)
}
