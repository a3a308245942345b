import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, writeFile, symlink, readFile, readlink, stat, chmod, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore } from '../../src/store/index.ts'
import { pack, unpack, manifestDigest, MIN_CHUNK_SIZE, FILE_TYPE_REGULAR } from '../../src/package/index.ts'

const tmp = async (): Promise<string> => await mkdtemp(join(tmpdir(), 'hm-pack-'))

async function tree (): Promise<string> {
  const dir = await tmp()
  await mkdir(join(dir, 'src', 'lib'), { recursive: true })
  await writeFile(join(dir, 'index.js'), 'export default 1\n')
  await writeFile(join(dir, 'src', 'lib', 'big.bin'), Buffer.alloc(3 * MIN_CHUNK_SIZE + 17, 5))
  await writeFile(join(dir, 'run.sh'), '#!/bin/sh\n')
  await chmod(join(dir, 'run.sh'), 0o755)
  await writeFile(join(dir, 'empty'), '')
  await symlink('src/lib/big.bin', join(dir, 'link'))
  return dir
}

describe('pack and unpack', () => {
  it('packs a tree deterministically and unpacks it byte-identical', async () => {
    const src = await tree()
    const store = await createStore({ dir: await tmp() })
    const events: string[] = []
    const a = await pack(src, store, { chunkSize: MIN_CHUNK_SIZE, meta: { entry: 'index.js' }, onProgress: e => events.push(e.type) })
    const b = await pack(src, store, { chunkSize: MIN_CHUNK_SIZE, meta: { entry: 'index.js' } })
    assert.equal(a.root.toString(), b.root.toString())
    assert.equal(manifestDigest(a.manifest), a.manifestCid.toString())
    assert.deepEqual(a.manifest.files.map(f => f.path), ['empty', 'index.js', 'link', 'run.sh', 'src/lib/big.bin'])
    assert.equal(a.manifest.files.find(f => f.path === 'run.sh')?.mode, FILE_TYPE_REGULAR | 0o755)
    assert.ok(events.includes('package:pack:chunk') && events.includes('package:pack:file'))

    const out = join(await tmp(), 'out')
    await unpack(a.manifest, store, out)
    assert.deepEqual(await readFile(join(out, 'src', 'lib', 'big.bin')), await readFile(join(src, 'src', 'lib', 'big.bin')))
    assert.equal(await readFile(join(out, 'index.js'), 'utf8'), 'export default 1\n')
    assert.equal(await readlink(join(out, 'link')), 'src/lib/big.bin')
    assert.equal((await stat(join(out, 'run.sh'))).mode & 0o777, 0o755)
    assert.equal((await stat(join(out, 'empty'))).size, 0)
    await assert.rejects(unpack(a.manifest, store, out), { name: 'TargetExistsError' })
    await store.close()
  })

  it('packs a single file and an empty file', async () => {
    const dir = await tmp()
    await writeFile(join(dir, 'Empty File.txt'), '')
    const store = await createStore({ dir: await tmp() })
    const r = await pack(join(dir, 'Empty File.txt'), store)
    assert.equal(r.size, 0)
    assert.equal(r.manifest.id, 'empty-file.txt')
    const out = join(await tmp(), 'o')
    await unpack(r.manifest, store, out)
    assert.deepEqual(await readdir(out), ['Empty File.txt'])
    await store.close()
  })

  it('refuses ../ and absolute paths before touching the disk', async () => {
    const src = await tree()
    const store = await createStore({ dir: await tmp() })
    const { manifest } = await pack(src, store, { chunkSize: MIN_CHUNK_SIZE })
    const parent = await tmp()
    for (const bad of ['../escape', '/etc/passwd', 'a/../../b']) {
      const m = structuredClone(manifest)
      m.files[1].path = bad
      await assert.rejects(unpack(m, store, join(parent, 'x')), { name: 'UnsafePathError' })
    }
    assert.deepEqual(await readdir(parent), [])
    await store.close()
  })

  for (const target of ['../../outside', '/etc', 'a/../../x']) {
    it(`refuses a symlink to ${target} and leaves nothing behind`, async () => {
      const src = await tmp()
      await writeFile(join(src, 'a.txt'), 'a')
      await symlink(target, join(src, 'evil'))
      const store = await createStore({ dir: await tmp() })
      const { manifest } = await pack(src, store, { chunkSize: MIN_CHUNK_SIZE })
      const parent = await tmp()
      await assert.rejects(unpack(manifest, store, join(parent, 'x')), { name: 'UnsafeSymlinkError' })
      assert.deepEqual(await readdir(parent), [])
      await store.close()
    })
  }

  it('refuses a manifest whose size disagrees with its content', async () => {
    const src = await tree()
    const store = await createStore({ dir: await tmp() })
    const { manifest } = await pack(src, store, { chunkSize: MIN_CHUNK_SIZE })
    const m = structuredClone(manifest)
    m.files[0].size += 1
    m.content.size += 1
    await assert.rejects(unpack(m, store, join(await tmp(), 'x')), { name: 'ContentMismatchError' })
    await store.close()
  })
})
