import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { ROOT, removeDir, tempDir, waitFor } from '../helpers/daemon.ts'

/** A supervisor killed hard (as a test runner's timeout does) must not leave its daemons behind. */
describe('daemon lifeline', () => {
  let dir: string
  after(async () => { if (dir != null) await removeDir(dir) })

  it('stops when the process holding its stdin dies', async () => {
    dir = await tempDir('hm-lifeline-')
    const supervisor = `
      import { spawnDaemon } from ${JSON.stringify(join(ROOT, 'scripts', 'lib', 'daemon-process.ts'))}
      const d = await spawnDaemon({ dataDir: ${JSON.stringify(join(dir, 'node'))} })
      process.stdout.write(String(d.proc.pid) + '\\n')
      setInterval(() => {}, 1000)
    `
    const sup = spawn(process.execPath, ['--input-type=module', '-e', supervisor], { stdio: ['ignore', 'pipe', 'inherit'] })
    const pid = await new Promise<number>((resolve) => sup.stdout.once('data', (d) => resolve(Number(String(d).trim()))))
    assert.ok(pid > 0)
    const alive = (): boolean => { try { process.kill(pid, 0); return true } catch { return false } }
    assert.equal(alive(), true)
    sup.kill('SIGKILL')
    await waitFor(() => !alive(), 'the orphaned daemon to stop', 30_000)
  })
})
