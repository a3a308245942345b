import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ROOT, removeDir, tempDir } from '../helpers/daemon.ts'

async function runMesh (dir: string): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const proc = spawn(process.execPath, [join(ROOT, 'scripts', 'mesh.ts'), '--once', '--json', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d) => { stdout += d })
  proc.stderr.on('data', (d) => { stderr += d })
  const timer = setTimeout(() => proc.kill('SIGKILL'), 240_000)
  const code = await new Promise<number | null>(resolve => proc.on('exit', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/**
 * The README's main job (`npm run mesh`), run to completion: three daemons with one mesh trust
 * root publish, find, fetch and install a package, and the installed extension answers. Run
 * twice on the same dir: a restarted mesh keeps its identities, trust and addresses.
 */
describe('integration: the local mesh main job', () => {
  let dir: string
  after(async () => { if (dir != null) await removeDir(dir) })

  it('publishes on node1, then finds, fetches, installs and calls on node3; again after a restart', async () => {
    dir = await tempDir('hm-mainjob-')
    for (const round of [1, 2]) {
      const r = await runMesh(dir)
      assert.equal(r.code, 0, `round ${round}: ${r.stderr}`)
      const out = JSON.parse(r.stdout)
      assert.equal(out.nodes.length, 3)
      assert.equal(out.demo.published.name, 'hello')
      assert.equal(out.demo.published.on, out.nodes[0].peerId)
      assert.ok(out.demo.found.results >= 1)
      assert.ok(out.demo.fetched.files >= 3)
      // every node is a validator: the version carries a consensus publish proof, checked on fetch
      assert.match(out.demo.published.proof ?? '', /^bafk/)
      assert.equal(out.demo.fetched.proofChecked, true)
      assert.equal(out.demo.installed.on, out.nodes[2].peerId)
      assert.equal(out.demo.installed.state, 'running')
      assert.deepEqual(out.demo.installed.granted, ['AssetManagement'])
      assert.equal(out.demo.called.result, 'Hello, mesh!')
    }
  })
})
