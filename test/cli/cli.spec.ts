import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { removeDir, runCli, tempDir } from '../helpers/daemon.ts'

describe('hypermesh CLI', () => {
  const dirs: string[] = []
  after(async () => { await Promise.all(dirs.map(removeDir)) })

  it('init creates a data dir with a private key and token, and refuses to overwrite it', async () => {
    const dir = await tempDir(); dirs.push(dir)
    const first = await runCli(['--data-dir', dir, '--json', 'init'])
    assert.equal(first.code, 0, first.stderr)
    const result = JSON.parse(first.stdout)
    assert.match(result.peerId, /^12D3Koo/)
    const { statSync } = await import('node:fs')
    assert.equal(statSync(join(dir, 'identity.key')).mode & 0o777, 0o600)
    assert.equal(statSync(join(dir, 'api-token')).mode & 0o777, 0o600)
    const second = await runCli(['--data-dir', dir, 'init'])
    assert.equal(second.code, 1)
    assert.match(second.stderr, /already initialised/)
  })

  it('names the bad field of a malformed config and exits non-zero', async () => {
    const dir = await tempDir(); dirs.push(dir)
    assert.equal((await runCli(['--data-dir', dir, 'init'])).code, 0)
    await writeFile(join(dir, 'config.json'), JSON.stringify({ api: { port: 'eighty' } }))
    const r = await runCli(['--data-dir', dir, 'daemon'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /config field "api\.port"/)
    await writeFile(join(dir, 'config.json'), '{ not json')
    const r2 = await runCli(['--data-dir', dir, 'daemon'])
    assert.equal(r2.code, 1)
    assert.match(r2.stderr, /not valid JSON/)
  })

  it('explains a missing daemon with a hint, as JSON with --json', async () => {
    const dir = await tempDir(); dirs.push(dir)
    assert.equal((await runCli(['--data-dir', dir, 'init'])).code, 0)
    const r = await runCli(['--data-dir', dir, 'status'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /no daemon is running/)
    assert.match(r.stderr, /hint: start one/)
    const j = await runCli(['--data-dir', dir, '--json', 'status'])
    assert.equal(j.code, 1)
    assert.equal(JSON.parse(j.stderr).error.code, 'DAEMON_NOT_RUNNING')
    assert.equal(j.stdout, '')
  })

  it('rejects unknown options with a usage error', async () => {
    const r = await runCli(['status', '--no-such-flag'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /unknown option/)
  })
})
