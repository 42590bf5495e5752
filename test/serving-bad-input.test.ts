import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from './support/backends.js'
import {
  classifierFiles,
  registerModel,
  startServingLathe,
  tabularRecords,
} from './support/serving.js'

/*
 * Bad input at every endpoint is a 4xx whose message names what is wrong, never a 500: malformed
 * JSON, wrong shapes and types, missing values where none are allowed, oversize bodies and
 * batches, unknown deployments and versions.
 */

const [row] = tabularRecords(1) as [Record<string, unknown>]
const tenMegabytes = JSON.stringify({
  dataframe_records: [{ ...row, city: 'x'.repeat(10 * 1024 * 1024) }],
})

type Case = [name: string, payload: string, status: number, message: RegExp, contentType?: string]

const mlflowCases: Case[] = [
  ['malformed JSON', '{"dataframe_records": [', 400, /Malformed JSON/],
  ['an empty body', '', 400, /JSON|empty/i],
  ['a bare list', '[1, 2]', 400, /exactly one of dataframe_split/],
  ['two formats', JSON.stringify({ instances: [row], inputs: { x1: [1] } }), 400, /exactly one of/],
  [
    'an unknown field',
    JSON.stringify({ dataframe_records: [row], extra: 1 }),
    400,
    /got fields dataframe_records, extra/,
  ],
  [
    'records that are not a list',
    JSON.stringify({ dataframe_records: row }),
    400,
    /must be a list of objects/,
  ],
  [
    'a record that is not an object',
    JSON.stringify({ dataframe_records: [row, 3] }),
    400,
    /dataframe_records\[1\] must be an object/,
  ],
  [
    'ragged split rows',
    JSON.stringify({ dataframe_split: { columns: ['x1', 'x2'], data: [[1, 2], [3]] } }),
    400,
    /data\[1\] must be a list of 2 values/,
  ],
  [
    'a missing column',
    JSON.stringify({ dataframe_records: [{ x1: 1, x2: 2, x3: 3 }] }),
    400,
    /missing inputs \['city'\]/,
  ],
  [
    'text in a number column',
    JSON.stringify({ dataframe_records: [{ ...row, x1: 'abc' }] }),
    400,
    /Column 'x1', row 0: expected a number \(double\), got "abc"/,
  ],
  [
    'an object in a number column',
    JSON.stringify({ dataframe_records: [{ ...row, x2: { a: 1 } }] }),
    400,
    /Column 'x2', row 0/,
  ],
  [
    'a number in a string column',
    JSON.stringify({ dataframe_records: [{ ...row, city: 7 }] }),
    400,
    /Column 'city', row 0: expected a string, got 7/,
  ],
  [
    'a NaN where this deployment allows none',
    `{"dataframe_records": [{"x1": NaN, "x2": 1, "x3": 1, "city": "a"}]}`,
    400,
    /Column 'x1', row 0: missing values/,
  ],
  [
    'an extra column under the reject policy',
    JSON.stringify({ dataframe_records: [{ ...row, ssn: '1' }] }),
    400,
    /Unexpected column 'ssn'/,
  ],
  [
    'too many rows',
    JSON.stringify({ dataframe_records: Array.from({ length: 51 }, () => row) }),
    400,
    /51 rows; this deployment takes at most 50/,
  ],
  ['a 10 MB body', tenMegabytes, 413, /too large/],
  ['an unterminated CSV quote', 'x1,x2,x3,city\n1,2,3,"a\n', 400, /unterminated/, 'text/csv'],
  ['a ragged CSV row', 'x1,x2,x3,city\n1,2,3\n', 400, /CSV row 1 has 3 fields/, 'text/csv'],
  [
    'CSV text in a number column',
    'x1,x2,x3,city\nabc,2,3,a\n',
    400,
    /Column 'x1', row 0/,
    'text/csv',
  ],
  ['a plain-text body', 'hello', 415, /./, 'text/plain'],
  [
    'a charset other than UTF-8',
    JSON.stringify({ dataframe_records: [row] }),
    415,
    /charset=latin1/,
    'application/json; charset=latin1',
  ],
]

const fp64 = (name: string, data: unknown[], shape = [data.length, 1]) => ({
  name,
  shape,
  datatype: 'FP64',
  data,
})
const goodInputs = [
  fp64('x1', [1]),
  fp64('x2', [2]),
  fp64('x3', [3]),
  { name: 'city', shape: [1, 1], datatype: 'BYTES', data: ['a'] },
]

const v2Cases: Case[] = [
  ['malformed JSON', '{"inputs": [', 400, /Malformed JSON/],
  ['no inputs', JSON.stringify({ inputs: [] }), 400, /inputs must be a non-empty list/],
  [
    'a shape that does not hold the data',
    JSON.stringify({ inputs: [fp64('x1', [1, 2], [3, 1])] }),
    400,
    /shape \[3, 1\] holds 3 elements but data has 2/,
  ],
  [
    'an unknown datatype',
    JSON.stringify({ inputs: [{ ...fp64('x1', [1]), datatype: 'FLOAT' }] }),
    400,
    /datatype "FLOAT" is not one of/,
  ],
  [
    'inputs with different row counts',
    JSON.stringify({ inputs: [fp64('x1', [1, 2]), fp64('x2', [1])] }),
    400,
    /has 1 rows but 'x1' has 2/,
  ],
  [
    'text in an FP64 input',
    JSON.stringify({ inputs: [...goodInputs.slice(1), fp64('x1', ['abc'])] }),
    400,
    /Column 'x1', row 0/,
  ],
  [
    'a missing input',
    JSON.stringify({ inputs: goodInputs.slice(0, 3) }),
    400,
    /missing inputs \['city'\]/,
  ],
  [
    'a negative dimension',
    JSON.stringify({ inputs: [fp64('x1', [1], [-1, 1])] }),
    400,
    /shape must be a non-empty list of sizes/,
  ],
  [
    'a 10 MB body',
    JSON.stringify({
      inputs: [
        { name: 'city', shape: [1], datatype: 'BYTES', data: ['x'.repeat(10 * 1024 * 1024)] },
      ],
    }),
    413,
    /too large/,
  ],
]

for (const backend of testBackends) {
  describe(`bad input to the inference endpoints (${backend.name})`, () => {
    let t: Awaited<ReturnType<typeof startServingLathe>>

    beforeAll(async () => {
      t = await startServingLathe(backend)
      await registerModel(t.lathe, 'churn', classifierFiles(), ['champion'])
      await t.lathe.serving.deployments.create({
        name: 'strict',
        model: 'churn',
        config: { validation: { extraColumns: 'reject', missingValues: 'reject', maxRows: 50 } },
      })
    })
    afterAll(() => t.close())

    async function send(url: string, payload: string, contentType = 'application/json') {
      const res = await t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': contentType },
      })
      return { status: res.statusCode, text: res.body }
    }

    it.each(mlflowCases)(
      'MLflow /invocations: %s',
      async (_name, payload, status, message, type) => {
        const res = await send('/serve/strict/invocations', payload, type)
        expect(res.status, res.text).toBe(status)
        const body = JSON.parse(res.text) as { error_code: string; message: string }
        expect(body.message).toMatch(message)
        expect(body.error_code).not.toBe('INTERNAL_ERROR')
      },
    )

    it.each(v2Cases)('V2 /infer: %s', async (_name, payload, status, message) => {
      const res = await send('/v2/models/strict/infer', payload)
      expect(res.status, res.text).toBe(status)
      expect((JSON.parse(res.text) as { error: string }).error).toMatch(message)
    })

    it('answers unknown deployments and versions with 404 on every endpoint', async () => {
      const good = JSON.stringify({ dataframe_records: [row] })
      const missing = await send('/serve/nope/invocations', good)
      expect(missing.status).toBe(404)
      expect(JSON.parse(missing.text)).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' })
      const v2 = await send('/v2/models/nope/infer', JSON.stringify({ inputs: goodInputs }))
      expect(v2.status).toBe(404)
      expect(JSON.parse(v2.text).error).toMatch(/No deployment named 'nope'/)
      expect(
        (await send('/v2/models/strict/versions/9/infer', JSON.stringify({ inputs: goodInputs })))
          .status,
      ).toBe(404)
      for (const url of [
        '/v2/models/nope',
        '/v2/models/nope/ready',
        '/v2/models/strict/versions/9/ready',
        '/serve/nope/ping',
      ]) {
        expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(404)
      }
    })

    it('accepts what MLflow accepts: Python NaN where missing values are allowed, and Infinity', async () => {
      await t.lathe.serving.deployments.create({ name: 'lenient', model: 'churn' })
      const res = await send(
        '/serve/lenient/invocations',
        `{"dataframe_records": [{"x1": NaN, "x2": Infinity, "x3": -Infinity, "city": "a"}]}`,
      )
      expect(res.status, res.text).toBe(200)
    })

    it('refuses bad deployment changes with 4xx naming the field', async () => {
      const cases: [string, string, unknown, number, RegExp][] = [
        ['POST', '/api/v1/deployments', { name: 'x', model: 'nope' }, 404, /nope/],
        ['POST', '/api/v1/deployments', { name: 'strict', model: 'churn' }, 400, /already exists/],
        ['POST', '/api/v1/deployments', { name: 'a/b', model: 'churn' }, 400, /Deployment name/],
        [
          'POST',
          '/api/v1/deployments',
          { name: 'x', model: 'churn', strategy: 'yolo' },
          400,
          /strategy/,
        ],
        [
          'POST',
          '/api/v1/deployments',
          { name: 'x', model: 'churn', alias: 'champion', version: 1 },
          400,
          /either an alias/,
        ],
        [
          'POST',
          '/api/v1/deployments',
          { name: 'x', model: 'churn', config: { canary: { steps: [50, 10] } } },
          400,
          /canary.steps must increase/,
        ],
        [
          'POST',
          '/api/v1/deployments',
          { name: 'x', model: 'churn', config: { logging: { sample_rate: 2 } } },
          400,
          /logging.sample_rate/,
        ],
        [
          'POST',
          '/api/v1/deployments',
          { name: 'x', model: 'churn', config: { batching: 'yes' } },
          400,
          /batching/,
        ],
        [
          'POST',
          '/api/v1/deployments',
          { name: 'x', model: 'churn', surprise: true },
          400,
          /surprise/,
        ],
        ['POST', '/api/v1/deployments/strict/releases', {}, 400, /version/],
        [
          'POST',
          '/api/v1/deployments/strict/releases',
          { version: 1 },
          400,
          /already serves version 1/,
        ],
        ['POST', '/api/v1/deployments/strict/releases', { version: 7 }, 404, /7/],
        ['POST', '/api/v1/deployments/strict/promote', {}, 409, /no release in progress/],
        ['POST', '/api/v1/deployments/strict/rollback', {}, 409, /no previous version/],
        ['PATCH', '/api/v1/deployments/nope', { strategy: 'canary' }, 404, /nope/],
        ['GET', '/api/v1/deployments/strict/log?limit=0', undefined, 400, /limit/],
      ]
      for (const [method, url, payload, status, message] of cases) {
        const res = await t.app.inject({
          method: method as 'POST',
          url,
          ...(payload === undefined ? {} : { payload: payload as object }),
        })
        expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(status)
        expect((res.json() as { message: string }).message, url).toMatch(message)
      }
    })
  })
}
