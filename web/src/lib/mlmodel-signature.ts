/** One column or tensor of an MLflow model signature. */
export interface SignatureField {
  readonly name: string
  readonly type: string
}

export interface Signature {
  readonly inputs: readonly SignatureField[]
  readonly outputs: readonly SignatureField[]
}

/**
 * Reads the signature of an MLmodel file. MLflow writes it as YAML whose `inputs` and
 * `outputs` are JSON strings, one per line, so a line scan is enough: no YAML parser needed
 * in the bundle for one field.
 */
export function parseSignature(mlmodel: string): Signature | undefined {
  const lines = mlmodel.split(/\r?\n/)
  const start = lines.findIndex((line) => /^signature:\s*$/.test(line))
  if (start < 0) return undefined
  const fields: Record<string, SignatureField[]> = {}
  for (const line of lines.slice(start + 1)) {
    if (!/^\s/.test(line)) break
    const match = /^\s+(inputs|outputs):\s*(.+)$/.exec(line)
    if (match) fields[match[1]!] = parseFields(unquote(match[2]!))
  }
  if (!fields.inputs && !fields.outputs) return undefined
  return { inputs: fields.inputs ?? [], outputs: fields.outputs ?? [] }
}

function unquote(value: string): string {
  const trimmed = value.trim()
  if (trimmed.startsWith("'") && trimmed.endsWith("'")) {
    return trimmed.slice(1, -1).replace(/''/g, "'")
  }
  if (trimmed.startsWith('"') && trimmed.endsWith('"')) {
    try {
      return JSON.parse(trimmed) as string
    } catch {
      return trimmed.slice(1, -1)
    }
  }
  return trimmed
}

function parseFields(json: string): SignatureField[] {
  try {
    const parsed = JSON.parse(json) as unknown
    if (!Array.isArray(parsed)) return []
    return parsed.map((item: Record<string, unknown>, i) => ({
      name: typeof item.name === 'string' ? item.name : `#${i}`,
      type: describeType(item),
    }))
  } catch {
    return []
  }
}

function describeType(item: Record<string, unknown>): string {
  if (item.type === 'tensor') {
    const spec = item['tensor-spec'] as { dtype?: string; shape?: number[] } | undefined
    return `tensor ${spec?.dtype ?? ''} [${(spec?.shape ?? []).join(', ')}]`.trim()
  }
  return typeof item.type === 'string' ? item.type : JSON.stringify(item.type)
}
