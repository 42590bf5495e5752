import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import { describeArtifactStore } from './artifact-store.contract.js'
import { LocalArtifactStore } from './local-artifact-store.js'

const scratch = mkdtempSync(join(tmpdir(), 'lathe-artifacts-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let count = 0
const freshDir = () => join(scratch, `store-${count++}`)

describeArtifactStore('local', async () => new LocalArtifactStore(freshDir()))

describe('local artifact store on disk', () => {
  /** A store whose root holds `escape`, a symlink to a folder outside it with a secret in it. */
  function storeWithEscape() {
    const root = freshDir()
    const outside = freshDir()
    mkdirSync(join(root, 'run'), { recursive: true })
    mkdirSync(outside, { recursive: true })
    writeFileSync(join(outside, 'secret.txt'), 'secret')
    symlinkSync(outside, join(root, 'run', 'escape'))
    symlinkSync(join(outside, 'secret.txt'), join(root, 'run', 'secret-link.txt'))
    return { store: new LocalArtifactStore(root), root, outside }
  }

  it('never reads, lists, writes or deletes through a symlink that leaves the root', async () => {
    const { store, outside } = storeWithEscape()
    await expect(store.get('run/escape/secret.txt')).rejects.toBeInstanceOf(InvalidParameterError)
    await expect(store.get('run/secret-link.txt')).rejects.toBeInstanceOf(NotFoundError)
    await expect(store.list('run/escape')).rejects.toBeInstanceOf(InvalidParameterError)
    await expect(store.stat('run/escape/secret.txt')).rejects.toBeInstanceOf(InvalidParameterError)
    const put = (key: string) => store.put(key, Readable.from(['pwned']))
    await expect(put('run/escape/secret.txt')).rejects.toBeInstanceOf(InvalidParameterError)
    await expect(put('run/escape/new/deeper.txt')).rejects.toBeInstanceOf(InvalidParameterError)
    await expect(store.delete('run/escape/secret.txt')).rejects.toBeInstanceOf(
      InvalidParameterError,
    )
    expect(await store.list('run')).toEqual([])
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret')
    expect(existsSync(join(outside, 'new'))).toBe(false)
  })

  it('replaces a symlinked file with a file of its own instead of writing through it', async () => {
    const { store, root, outside } = storeWithEscape()
    await store.put('run/secret-link.txt', Readable.from(['mine']))
    expect(readFileSync(join(root, 'run', 'secret-link.txt'), 'utf8')).toBe('mine')
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret')
    await store.delete('run/escape')
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret')
  })

  it('refuses a root that is itself reached through a symlink only by real path', async () => {
    const real = freshDir()
    mkdirSync(real, { recursive: true })
    const link = freshDir()
    symlinkSync(real, link)
    const store = new LocalArtifactStore(link)
    await store.put('a/b.txt', Readable.from(['ok']))
    expect(readFileSync(join(real, 'a', 'b.txt'), 'utf8')).toBe('ok')
  })

  it('answers a name the file system cannot hold with InvalidParameterError', async () => {
    const store = new LocalArtifactStore(freshDir())
    await expect(
      store.put(`a/${'x'.repeat(300)}.txt`, Readable.from(['x'])),
    ).rejects.toBeInstanceOf(InvalidParameterError)
  })
})
