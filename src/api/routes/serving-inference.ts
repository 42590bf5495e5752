import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Lathe } from '../../main.js'
import {
  ModelError,
  csvTable,
  mlflowPredictions,
  parseMlflowJson,
  parsePythonJson,
  parseV2Request,
  v2Datatype,
  v2Outputs,
  type InferResult,
  type LiveDeployment,
  type RawTable,
  type Serving,
} from '../../serving/index.js'
import { NotFoundError, UnavailableError } from '../../shared/errors.js'
import { EdgeError, toErrorResponse } from '../errors.js'
import { V2ModelParams } from '../contract/serving.js'

const { version: buildVersion } = createRequire(import.meta.url)('../../../package.json') as {
  version: string
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

/** The caller's request id when it is sane, else a new one. */
function requestIdOf(request: FastifyRequest): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

function deploymentOf(serving: Serving, name: string): LiveDeployment {
  return serving.live(name)
}

/** Scores a table and marks the answer with the version that gave it. */
async function score(
  serving: Serving,
  request: FastifyRequest,
  reply: FastifyReply,
  target: { deployment: string; table: RawTable; protocol: 'mlflow' | 'v2'; version?: number },
): Promise<InferResult> {
  const result = await serving.infer({
    ...target,
    requestId: reply.getHeader('x-request-id') as string,
    header: (name) => {
      const value = request.headers[name]
      return typeof value === 'string' ? value : undefined
    },
  })
  reply.header('x-lathe-model-version', String(result.version))
  reply.header('x-lathe-variant', result.variant)
  return result
}

/** MLflow: only `application/json` and `text/csv`, with no parameter but `charset=utf-8`. */
async function checkMediaType(request: FastifyRequest): Promise<void> {
  const [, ...params] = (request.headers['content-type'] ?? '')
    .split(';')
    .map((p) => p.trim().toLowerCase())
  const odd = params.find((p) => p !== '' && p !== 'charset=utf-8')
  if (odd) {
    throw new EdgeError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Unsupported content type parameter '${odd}': only charset=utf-8 is allowed`,
    )
  }
}

/** The body parsers of the scoring routes: JSON as Python writes it (NaN), and CSV as text. */
function parsers(scope: FastifyInstance, bodyLimit: number): void {
  scope.removeContentTypeParser('application/json')
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (_req, body, done) => {
      const text = body as string
      try {
        done(null, JSON.parse(text))
      } catch (err) {
        try {
          done(null, parsePythonJson(text))
        } catch {
          const error = new EdgeError(
            400,
            'BAD_REQUEST',
            `Malformed JSON body: ${(err as Error).message}`,
          )
          done(error, undefined)
        }
      }
    },
  )
  scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_req, body, done) =>
    done(null, body),
  )
}

/**
 * A model failure says which version failed, never the runtime's internals. A 503 (loading,
 * overloaded) says when to retry, for load balancers and clients that honour it.
 */
function modelFailure(
  err: unknown,
  reply: FastifyReply,
): { status: number; message: string; code: string } {
  if (err instanceof UnavailableError) reply.header('retry-after', '1')
  if (err instanceof ModelError) {
    return {
      status: 500,
      code: 'INTERNAL_ERROR',
      message: `Model version ${err.version} failed to score the request`,
    }
  }
  const { status, body } = toErrorResponse(err)
  return { status, code: body.error_code, message: body.message }
}

function mlflowRoutes(scope: FastifyInstance, serving: Serving): void {
  scope.setErrorHandler((err, _request, reply) => {
    const { status, code, message } = modelFailure(err, reply)
    return reply.status(status).send({ error_code: code, message })
  })
  const options = { bodyLimit: serving.maxBodyBytes, onRequest: checkMediaType }
  scope.post<{ Params: { deployment: string } }>(
    '/serve/:deployment/invocations',
    options,
    async (request, reply) => {
      reply.header('x-request-id', requestIdOf(request))
      const { deployment } = request.params
      const live = deploymentOf(serving, deployment)
      const body = request.body
      const csv = typeof body === 'string'
      const table = csv ? csvTable(body) : parseMlflowJson(body, live.stable.loaded.inputNames)
      const tabular =
        csv ||
        (typeof body === 'object' && body !== null && !('instances' in body) && !('inputs' in body))
      const result = await score(serving, request, reply, { deployment, table, protocol: 'mlflow' })
      return { predictions: mlflowPredictions(result.outputs, tabular) }
    },
  )
  scope.get<{ Params: { deployment: string } }>(
    '/serve/:deployment/ping',
    async (request, reply) => {
      deploymentOf(serving, request.params.deployment)
      return reply.type('application/json').send('\n')
    },
  )
  scope.get<{ Params: { deployment: string } }>(
    '/serve/:deployment/version',
    async (request, reply) => {
      const live = deploymentOf(serving, request.params.deployment)
      return reply.type('application/json').send(String(live.stable.loaded.version))
    },
  )
}

function metadata(live: LiveDeployment) {
  const { loaded } = live.stable
  const tensors = (values: typeof loaded.graph.inputs, names: readonly string[]) =>
    names.map((name) => {
      const info = values.find((v) => v.name === name)
      const typed = info?.isTensor ? info : undefined
      return {
        name,
        datatype: typed ? v2Datatype(typed.type) : 'BYTES',
        shape: typed ? typed.shape.map((d) => (typeof d === 'number' ? d : -1)) : [-1],
      }
    })
  const versions = [live.stable, live.candidate].flatMap((v) =>
    v ? [String(v.loaded.version)] : [],
  )
  return {
    name: live.spec.name,
    versions,
    platform: 'onnx_onnxv1',
    inputs: tensors(loaded.graph.inputs, loaded.inputNames),
    outputs: tensors(loaded.graph.outputs, loaded.outputNames),
  }
}

function served(live: LiveDeployment, version: number | undefined): boolean {
  return (
    version === undefined ||
    [live.stable, live.candidate].some((v) => v?.loaded.version === version)
  )
}

function v2Routes(scope: FastifyInstance, serving: Serving): void {
  scope.setErrorHandler((err, _request, reply) => {
    const { status, message } = modelFailure(err, reply)
    return reply.status(status).send({ error: message })
  })
  scope.get('/v2', async () => ({ name: 'lathe', version: buildVersion, extensions: [] }))
  scope.get('/v2/health/live', async () => ({ live: true }))
  scope.get('/v2/health/ready', async (_request, reply) => {
    const ready = serving.ready()
    return reply.status(ready ? 200 : 503).send({ ready })
  })
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    v2ModelRoutes(scope, serving, base)
  }
}

/** A model's metadata, readiness and inference, at `base` (with or without a version). */
function v2ModelRoutes(scope: FastifyInstance, serving: Serving, base: string): void {
  const servedModel = (params: unknown) => {
    const p = V2ModelParams.parse(params)
    const live = deploymentOf(serving, p.name)
    if (!served(live, p.version)) {
      throw new NotFoundError(`Model '${p.name}' has no version ${p.version} being served`)
    }
    return { ...p, live }
  }
  scope.get(base, async (request) => metadata(servedModel(request.params).live))
  scope.get(`${base}/ready`, async (request) => ({
    name: servedModel(request.params).name,
    ready: true,
  }))
  scope.post(`${base}/infer`, { bodyLimit: serving.maxBodyBytes }, async (request, reply) => {
    const requestId = requestIdOf(request)
    reply.header('x-request-id', requestId)
    const p = V2ModelParams.parse(request.params)
    deploymentOf(serving, p.name)
    const v2 = parseV2Request(request.body)
    const target = {
      deployment: p.name,
      table: v2.table,
      protocol: 'v2' as const,
      version: p.version,
    }
    const result = await score(serving, request, reply, target)
    return {
      model_name: p.name,
      model_version: String(result.version),
      id: v2.id ?? requestId,
      outputs: v2Outputs(result.outputs, v2.outputs),
    }
  })
}

/**
 * The inference endpoints: MLflow's scoring protocol at `/serve/<deployment>/invocations`, the
 * Open Inference Protocol under `/v2`, and `/metrics` in Prometheus text format. Serving starts
 * (every deployment loaded) when the server is ready.
 */
export async function servingInferenceRoutes(
  app: FastifyInstance,
  { serving }: Lathe,
): Promise<void> {
  app.addHook('onReady', () => serving.start())
  parsers(app, serving.maxBodyBytes)
  await app.register(async (scope) => mlflowRoutes(scope, serving))
  await app.register(async (scope) => v2Routes(scope, serving))
  app.get('/metrics', async (_request, reply) =>
    reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(serving.metrics.render(serving.runtime.gauges(), buildVersion)),
  )
}
