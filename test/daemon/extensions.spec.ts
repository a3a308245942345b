import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ROOT, removeDir, spawnDaemon, streamRequest } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

/** The extension routes of a daemon with no mesh trust: nothing unsigned gets in. */
describe('daemon extension API', () => {
  let d: DaemonProcess
  before(async () => { d = await spawnDaemon() })
  after(async () => { await d?.stop(); await removeDir(d.dataDir) })

  it('lists no extensions on a new node and answers 404 for an unknown one', async () => {
    const list = await d.request('GET', '/api/v1/extensions')
    assert.equal(list.status, 200)
    assert.deepEqual(list.body, [])
    const info = await d.request('GET', '/api/v1/extensions/nope')
    assert.equal(info.status, 404)
    assert.equal(info.body.code, 'EXTENSION_NOT_FOUND')
  })

  it('refuses to install an unsigned package with a named error, and installs nothing', async () => {
    const r = await streamRequest(d, '/api/v1/extensions/install', { dir: join(ROOT, 'extensions', 'hello') })
    assert.equal(r.result, undefined)
    assert.equal(r.error.code, 'SIGNATURE_REQUIRED')
    assert.deepEqual((await d.request('GET', '/api/v1/extensions')).body, [])
  })

  it('rejects an install body that names neither a directory nor a package', async () => {
    const r = await d.request('POST', '/api/v1/extensions/install', {})
    assert.equal(r.status, 400)
  })
})
