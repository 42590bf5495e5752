import { Readable } from 'node:stream'
import { buffer, text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { InvalidParameterError, NotFoundError } from '../shared/errors.js'
import type { ArtifactStore } from './artifact-store.js'

/** Key shapes every backend must refuse before touching storage (MLflow's traversal CVEs). */
export const HOSTILE_KEYS = [
  '/etc/passwd',
  '../outside.txt',
  'a/../../outside.txt',
  'a/./b.txt',
  '..',
  'a\\..\\..\\outside.txt',
  '..\\outside.txt',
  'C:/Windows/win.ini',
  'a/%2e%2e/%2e%2e/outside.txt',
  'a/%252e%252e/outside.txt',
  'a/..%2foutside.txt',
  'a/%2F..%2Foutside.txt',
  'a/b.txt%00.png',
  'a/b\u0000.txt',
  'a/b.txt;.png',
  'a/b.txt?x=1',
  'a/b.txt#frag',
]

function invalid(promise: Promise<unknown>) {
  return expect(promise).rejects.toBeInstanceOf(InvalidParameterError)
}

/**
 * The behaviour every ArtifactStore backend shares; each backend's test calls this with a
 * factory for a fresh, empty store.
 */
export function describeArtifactStore(name: string, open: () => Promise<ArtifactStore>): void {
  describe(`${name} artifact store`, () => {
    it('returns what was put, byte for byte, and replaces on a second put', async () => {
      const store = await open()
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256))
      await store.put('a/b.bin', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]))
      expect((await buffer(await store.get('a/b.bin'))).equals(bytes)).toBe(true)
      await store.put('a/b.bin', Readable.from(['second']))
      expect(await text(await store.get('a/b.bin'))).toBe('second')
    })

    it('normalises doubled and trailing slashes to one key', async () => {
      const store = await open()
      await store.put('x//y/z.txt', Readable.from(['z']))
      expect(await text(await store.get('x/y/z.txt/'))).toBe('z')
    })

    it('throws NotFoundError for a missing file and for a directory', async () => {
      const store = await open()
      await store.put('dir/file.txt', Readable.from(['f']))
      await expect(store.get('dir/missing.txt')).rejects.toBeInstanceOf(NotFoundError)
      await expect(store.get('dir')).rejects.toBeInstanceOf(NotFoundError)
      await expect(store.get('dir/file.txt/below')).rejects.toBeInstanceOf(NotFoundError)
    })

    it('stats files, directories and nothing', async () => {
      const store = await open()
      await store.put('s/f.txt', Readable.from(['four']))
      expect([
        await store.stat('s/f.txt'),
        await store.stat('s'),
        await store.stat('s/no'),
      ]).toEqual([
        { key: 's/f.txt', isDir: false, sizeBytes: 4 },
        { key: 's', isDir: true },
        undefined,
      ])
    })

    it('lists the immediate children of a prefix, sorted, and nothing under a missing one', async () => {
      const store = await open()
      for (const key of ['l/b.txt', 'l/a.txt', 'l/sub/c.txt', 'm.txt'])
        await store.put(key, Readable.from(['12']))
      expect(await store.list('l')).toEqual([
        { key: 'l/a.txt', isDir: false, sizeBytes: 2 },
        { key: 'l/b.txt', isDir: false, sizeBytes: 2 },
        { key: 'l/sub', isDir: true },
      ])
      expect(await store.list('')).toEqual([
        { key: 'l', isDir: true },
        { key: 'm.txt', isDir: false, sizeBytes: 2 },
      ])
      expect(await store.list('nothing/here')).toEqual([])
    })

    it('deletes a file, a whole directory, and accepts deleting what is absent', async () => {
      const store = await open()
      for (const key of ['d/1.txt', 'd/e/2.txt', 'keep.txt'])
        await store.put(key, Readable.from(['x']))
      await store.delete('d/1.txt')
      expect(await store.list('d')).toEqual([{ key: 'd/e', isDir: true }])
      await store.delete('d')
      await store.delete('d/never/was')
      expect(await store.list('')).toEqual([{ key: 'keep.txt', isDir: false, sizeBytes: 1 }])
    })

    it('refuses a file where a directory is, and a directory where a file is', async () => {
      const store = await open()
      await store.put('p/file.txt', Readable.from(['f']))
      await invalid(store.put('p', Readable.from(['over a directory'])))
      await invalid(store.put('p/file.txt/child.txt', Readable.from(['under a file'])))
      expect(await text(await store.get('p/file.txt'))).toBe('f')
    })

    it('keeps nothing of a put whose body fails midway', async () => {
      const store = await open()
      const failing = new Readable({
        read() {
          this.push('partial')
          this.destroy(new Error('client went away'))
        },
      })
      await expect(store.put('broken/f.txt', failing)).rejects.toThrow('client went away')
      expect(await store.stat('broken/f.txt')).toBeUndefined()
      expect(await store.list('broken')).toEqual([])
    })

    it('refuses every traversal shape in every method, and the empty key where a file is meant', async () => {
      const store = await open()
      for (const key of HOSTILE_KEYS) {
        await invalid(store.put(key, Readable.from(['x'])))
        await invalid(store.get(key))
        await invalid(store.stat(key))
        await invalid(store.list(key))
        await invalid(store.delete(key))
      }
      await invalid(store.put('', Readable.from(['x'])))
      await invalid(store.delete(''))
      expect(await store.list('')).toEqual([])
    })
  })
}
