import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { builtCodeDir } from '../../scripts/lib/built-code.mjs'

describe('builtCodeDir (which tree `hypermesh` runs)', () => {
  let root: string
  const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s))
  /** Sets the mtime of every path of the test tree, then of the ones given. */
  async function times (build: number, changed: Record<string, number> = {}): Promise<void> {
    for (const p of ['src', 'src/a.ts', 'src/sub', 'src/sub/b.ts']) await utimes(join(root, p), at(1), at(1))
    await utimes(join(root, 'dist', '.stamp'), at(build), at(build))
    for (const [p, s] of Object.entries(changed)) await utimes(join(root, p), at(s), at(s))
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hm-built-'))
    await mkdir(join(root, 'src', 'sub'), { recursive: true })
    await mkdir(join(root, 'dist'))
    await writeFile(join(root, 'src', 'a.ts'), '')
    await writeFile(join(root, 'src', 'sub', 'b.ts'), '')
  })
  after(async () => { await rm(root, { recursive: true, force: true }) })

  it('runs the sources when nothing was built', async () => {
    assert.equal(builtCodeDir(root), 'src')
  })

  it('runs dist when it was built after every source changed', async () => {
    await writeFile(join(root, 'dist', '.stamp'), '')
    await times(10)
    assert.equal(builtCodeDir(root), 'dist')
  })

  it('runs the sources when a file, however deep, changed after the build', async () => {
    await times(10, { 'src/a.ts': 11 })
    assert.equal(builtCodeDir(root), 'src')
    await times(10, { 'src/sub/b.ts': 11 })
    assert.equal(builtCodeDir(root), 'src')
  })

  it('runs dist when the tree has no sources (the Docker image ships dist/ only)', async () => {
    const image = await mkdtemp(join(tmpdir(), 'hm-built-image-'))
    try {
      await mkdir(join(image, 'dist'))
      await writeFile(join(image, 'dist', '.stamp'), '')
      assert.equal(builtCodeDir(image), 'dist')
    } finally {
      await rm(image, { recursive: true, force: true })
    }
  })

  it('runs the sources when a file was removed after the build (its directory changed)', async () => {
    await writeFile(join(root, 'src', 'sub', 'c.ts'), '')
    await times(10)
    await unlink(join(root, 'src', 'sub', 'c.ts'))
    await utimes(join(root, 'dist', '.stamp'), at(10), at(10))
    // the unlink gave src/sub the current time, after the stamp
    assert.equal(builtCodeDir(root), 'src')
  })
})
