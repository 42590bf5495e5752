import { describe, expect, it } from 'vitest'
import { csvTable, parseCsv } from './csv-table.js'
import { parseMlflowJson, parsePythonJson } from './mlflow-request.js'
import { tableRecords } from './raw-table.js'

describe('MLflow request bodies', () => {
  it('reads Python JSON: bare NaN is a missing value, Infinity overflows, strings are untouched', () => {
    expect(
      parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity \\" NaN"}'),
    ).toEqual({
      a: null,
      b: [Infinity, -Infinity],
      c: 'NaN Infinity " NaN',
    })
    expect(() => parsePythonJson('{"a": NaNx}')).toThrow(SyntaxError)
  })

  it('reads every form into the same rows', () => {
    const records = [
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]
    const forms = [
      { dataframe_records: records },
      {
        dataframe_split: {
          columns: ['a', 'b'],
          data: [
            [1, 'x'],
            [2, 'y'],
          ],
        },
      },
      { instances: records },
      { inputs: { a: [1, 2], b: ['x', 'y'] } },
    ]
    for (const form of forms)
      expect(tableRecords(parseMlflowJson(form, ['a', 'b']))).toEqual(records)
  })

  it('takes a bare list as the only input of a one-input model, and refuses it otherwise', () => {
    expect(
      tableRecords(
        parseMlflowJson(
          {
            inputs: [
              [1, 2],
              [3, 4],
            ],
          },
          ['X'],
        ),
      ),
    ).toEqual([{ X: [1, 2] }, { X: [3, 4] }])
    expect(() => parseMlflowJson({ instances: [1, 2] }, ['a', 'b'])).toThrow(
      /model takes 2 inputs \(a, b\)/,
    )
  })

  it('reads a record missing a key as null there, and no column at all when no record has it', () => {
    const table = parseMlflowJson({ dataframe_records: [{ a: 1 }, { a: 2, b: 3 }] }, [])
    expect(table.column('b')!(0)).toBeNull()
    expect(table.column('c')).toBeUndefined()
  })
})

describe('CSV bodies', () => {
  it('parses quotes, doubled quotes, commas and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ])
  })

  it('keeps values as text for the column types to parse', () => {
    const table = csvTable('n,s\n1.5,a\n,b\n')
    expect(table.textual).toBe(true)
    expect(tableRecords(table)).toEqual([
      { n: '1.5', s: 'a' },
      { n: '', s: 'b' },
    ])
    expect(() => csvTable('a,a\n1,2\n')).toThrow(/repeats column 'a'/)
    expect(() => csvTable('')).toThrow(/needs a header row/)
  })
})
