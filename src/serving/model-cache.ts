import type { ServingDeps } from './deps.js'
import { loadModel, type LoadedModel } from './loaded-model.js'
import { readVersionPackage } from './model-package.js'

export interface ModelCacheOptions {
  /** How long a version no deployment holds stays loaded. */
  readonly graceMs?: number | undefined
  /** Told of each version unloaded, to free its copies elsewhere (the model workers). */
  readonly onUnload?: ((model: string, version: number) => void) | undefined
  /**
   * Free each version's in-process session once loaded (its graph and checks stay): where model
   * workers run the models, a copy here only costs memory; one is loaded again when needed.
   */
  readonly sessionsOnDemand?: boolean | undefined
}

interface Entry {
  readonly loading: Promise<LoadedModel>
  refs: number
  idleSinceMs: number
}

/**
 * Loaded versions, shared by every deployment (and release gate) that uses them. A version no
 * deployment holds is unloaded after a grace period, and never while requests still run on it,
 * so a swap or rollback never fails a request in flight.
 */
export class ModelCache {
  readonly #entries = new Map<string, Entry>()
  #sweeper: NodeJS.Timeout | undefined

  readonly #graceMs: number

  constructor(
    private readonly deps: Pick<ServingDeps, 'artifacts' | 'registry' | 'clock'>,
    private readonly options: ModelCacheOptions = {},
  ) {
    this.#graceMs = options.graceMs ?? 30_000
  }

  /** The loaded version, loading it once. @throws NotFoundError, InvalidParameterError */
  load(model: string, version: number): Promise<LoadedModel> {
    const key = `${model}/${version}`
    let entry = this.#entries.get(key)
    if (!entry) {
      const loading = this.#read(model, version)
      entry = { loading, refs: 0, idleSinceMs: this.deps.clock.nowMs() }
      this.#entries.set(key, entry)
      // A failed load is forgotten so the next attempt reads the files again.
      loading.catch(() => this.#entries.delete(key))
      this.#startSweeper()
    }
    return entry.loading
  }

  /** Marks a version as used by a deployment. */
  retain(loaded: LoadedModel): void {
    const entry = this.#entries.get(`${loaded.model}/${loaded.version}`)
    if (entry) entry.refs++
  }

  /** Marks a version as no longer used by one deployment. */
  release(loaded: LoadedModel): void {
    const entry = this.#entries.get(`${loaded.model}/${loaded.version}`)
    if (!entry) return
    entry.refs = Math.max(0, entry.refs - 1)
    if (entry.refs === 0) entry.idleSinceMs = this.deps.clock.nowMs()
  }

  /** Versions currently loaded, for `/metrics`. */
  loaded(): { model: string; version: number; refs: number }[] {
    return [...this.#entries].map(([key, entry]) => {
      const at = key.lastIndexOf('/')
      return { model: key.slice(0, at), version: Number(key.slice(at + 1)), refs: entry.refs }
    })
  }

  /** Unloads idle versions whose grace period is over and that run no request. */
  async sweep(): Promise<void> {
    const now = this.deps.clock.nowMs()
    for (const [key, entry] of this.#entries) {
      if (entry.refs > 0 || now - entry.idleSinceMs < this.#graceMs) continue
      const loaded = await entry.loading.catch(() => undefined)
      if (loaded && loaded.inFlight > 0) continue
      this.#entries.delete(key)
      await this.#unload(loaded)
    }
  }

  /** Unloads everything (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    this.#sweeper = undefined
    const entries = [...this.#entries.values()]
    this.#entries.clear()
    for (const entry of entries) await this.#unload(await entry.loading.catch(() => undefined))
  }

  async #unload(loaded: LoadedModel | undefined): Promise<void> {
    if (!loaded) return
    this.options.onUnload?.(loaded.model, loaded.version)
    await loaded.release()
  }

  #startSweeper(): void {
    if (this.#sweeper) return
    this.#sweeper = setInterval(() => void this.sweep(), Math.max(1000, this.#graceMs / 2))
    this.#sweeper.unref()
  }

  async #read(model: string, version: number): Promise<LoadedModel> {
    const location = await this.deps.registry.location(model, version)
    const pkg = await readVersionPackage(this.deps.artifacts, location)
    const loaded = await loadModel(model, version, pkg)
    if (this.options.sessionsOnDemand) await loaded.release()
    return loaded
  }
}
