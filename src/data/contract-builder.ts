import type { ColumnType } from './column-type.js'
import type { Contract, ContractInput } from './contract.js'
import { parseContract } from './parse-contract.js'

type ColumnFields = Omit<Contract['columns'][number], 'name' | 'nullable'> & { nullable?: boolean }
type Bounds = { min?: number; max?: number }

/** One column of a contract under construction; every method returns the builder. */
export class ColumnBuilder {
  readonly #spec: ColumnFields

  constructor(type: ColumnType) {
    this.#spec = { type }
  }

  description(text: string): this {
    return this.#set({ description: text })
  }

  /** Every row must have a value. */
  notNull(): this {
    return this.#set({ nullable: false })
  }

  maxNullFraction(fraction: number): this {
    return this.#set({ maxNullFraction: fraction })
  }

  unique(): this {
    return this.#set({ unique: true })
  }

  /** Inclusive value range; leave a side undefined to leave it open. */
  range(min: number | undefined, max?: number): this {
    return this.#set({ min, max })
  }

  allowed(values: readonly (string | number | boolean)[]): this {
    return this.#set({ allowed: values.map(String) })
  }

  /** A pattern each value contains; a RegExp's source is used (flags are not). */
  regex(pattern: RegExp | string): this {
    return this.#set({ regex: typeof pattern === 'string' ? pattern : pattern.source })
  }

  /** Freshness: the newest value is at most this old (`24h`, `7d`). */
  maxAge(duration: string): this {
    return this.#set({ maxAge: duration })
  }

  mean(bounds: Bounds): this {
    return this.#set({ mean: bounds })
  }

  quantile(q: number, bounds: Bounds): this {
    return this.#set({ quantiles: [...(this.#spec.quantiles ?? []), { q, ...bounds }] })
  }

  /** The column's spec as plain data. */
  toSpec(): ColumnFields {
    return structuredClone(this.#spec)
  }

  #set(fields: Partial<ColumnFields>): this {
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) (this.#spec as Record<string, unknown>)[key] = value
    }
    return this
  }
}

/** Column builders by type: `column.int().notNull().unique()`. */
export const column = {
  int: () => new ColumnBuilder('int'),
  float: () => new ColumnBuilder('float'),
  bool: () => new ColumnBuilder('bool'),
  string: () => new ColumnBuilder('string'),
  timestamp: () => new ColumnBuilder('timestamp'),
  category: (allowed?: readonly (string | number | boolean)[]) => {
    const builder = new ColumnBuilder('category')
    return allowed ? builder.allowed(allowed) : builder
  },
}

/** A contract written in TypeScript; `build()` checks it by the same rules as a YAML file. */
export class ContractBuilder {
  readonly #body: ContractInput & { columns: NonNullable<ContractInput['columns']> }

  constructor(name: string, description?: string) {
    this.#body = { name, columns: [], ...(description === undefined ? {} : { description }) }
  }

  column(name: string, spec: ColumnBuilder): this {
    ;(this.#body.columns as unknown[]).push({ name, ...spec.toSpec() })
    return this
  }

  /** A key (one or more columns) whose combined values are unique. */
  unique(...columns: string[]): this {
    this.#body.unique = [...(this.#body.unique ?? []), columns]
    return this
  }

  rowCount(bounds: Bounds): this {
    this.#body.rowCount = bounds
    return this
  }

  /** Reject columns the contract does not name. */
  noExtraColumns(): this {
    this.#body.allowExtraColumns = false
    return this
  }

  /** @throws InvalidParameterError when the contract breaks a rule. */
  build(): Contract {
    return parseContract(structuredClone(this.#body), `Contract '${this.#body.name}'`)
  }
}

/** Starts a contract in TypeScript: `defineContract('orders').column('id', column.int())`. */
export function defineContract(name: string, description?: string): ContractBuilder {
  return new ContractBuilder(name, description)
}
