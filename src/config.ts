import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

const Config = z.object({
  home: z.string().min(1),
  database: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }),
    z.object({
      kind: z.literal('postgres'),
      url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    }),
  ]),
  artifacts: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('file'), root: z.string().min(1) }),
  ]),
  server: z.object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    /** Host header values accepted (DNS-rebinding defence); the bound host and loopback names always are. */
    allowedHosts: z.array(z.string()),
    bodyLimitBytes: z.number().int().positive(),
  }),
})
export type Config = z.infer<typeof Config>

/** Flags that override everything else. */
export interface ConfigOverrides {
  readonly home?: string | undefined
  readonly databaseUrl?: string | undefined
  readonly host?: string | undefined
  readonly port?: number | undefined
}

type Env = Readonly<Record<string, string | undefined>>

function fileConfig(cwd: string): Record<string, unknown> {
  const path = join(cwd, 'lathe.config.json')
  if (!existsSync(path)) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch (err) {
    throw new Error(`lathe.config.json is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    })
  }
}

function database(url: string | undefined, home: string): Config['database'] {
  if (!url) return { kind: 'sqlite', path: join(home, 'lathe.db') }
  if (url.startsWith('sqlite:'))
    return { kind: 'sqlite', path: url.slice('sqlite:'.length).replace(/^\/\//, '') }
  return { kind: 'postgres', url }
}

/**
 * The effective configuration: flags over `LATHE_*` environment variables over
 * `lathe.config.json` over defaults. @throws Error naming the bad setting.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: Env = process.env,
  cwd = process.cwd(),
): Config {
  const file = fileConfig(cwd) as Partial<Config> & { databaseUrl?: string }
  const home = resolve(cwd, overrides.home ?? env.LATHE_HOME ?? file.home ?? '.lathe')
  const port =
    overrides.port ??
    (env.LATHE_PORT ? Number(env.LATHE_PORT) : undefined) ??
    file.server?.port ??
    5000
  const candidate = {
    home,
    database: database(overrides.databaseUrl ?? env.LATHE_DATABASE_URL ?? file.databaseUrl, home),
    artifacts: env.LATHE_ARTIFACTS
      ? { kind: 'file', root: resolve(cwd, env.LATHE_ARTIFACTS.replace(/^file:(\/\/)?/, '')) }
      : (file.artifacts ?? { kind: 'file', root: join(home, 'artifacts') }),
    server: {
      host: overrides.host ?? env.LATHE_HOST ?? file.server?.host ?? '127.0.0.1',
      port,
      allowedHosts:
        env.LATHE_ALLOWED_HOSTS?.split(',')
          .map((h) => h.trim())
          .filter(Boolean) ??
        file.server?.allowedHosts ??
        [],
      bodyLimitBytes: Number(
        env.LATHE_BODY_LIMIT_BYTES ?? file.server?.bodyLimitBytes ?? 16 * 1024 * 1024,
      ),
    },
  }
  const parsed = Config.safeParse(candidate)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid configuration: ${issues}`)
  }
  return parsed.data
}

/** The configuration with secrets (database passwords) masked, for `lathe config`. */
export function describeConfig(config: Config): Config {
  if (config.database.kind !== 'postgres') return config
  return {
    ...config,
    database: {
      kind: 'postgres',
      url: config.database.url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@'),
    },
  }
}
