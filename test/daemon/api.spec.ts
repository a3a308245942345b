import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { removeDir, runCli, spawnDaemon } from '../helpers/daemon.ts'
import type { DaemonProcess } from '../helpers/daemon.ts'

describe('daemon control API', () => {
  let d: DaemonProcess

  before(async () => { d = await spawnDaemon() })
  after(async () => { await d?.stop(); await removeDir(d.dataDir) })

  it('runs with the small young generation that bounds a large fetch\'s memory (same pid)', async () => {
    const cmdline = (await readFile(`/proc/${d.proc.pid}/cmdline`, 'utf8')).split('\0')
    assert.ok(cmdline.includes('--max-semi-space-size=1'), cmdline.join(' '))
    assert.ok(cmdline.includes('daemon'))
  })

  it('runs with glibc\'s hugetlb tunable, which malloc applied to its heap', async () => {
    const environ = (await readFile(`/proc/${d.proc.pid}/environ`, 'utf8')).split('\0')
    const tunables = environ.find(v => v.startsWith('GLIBC_TUNABLES='))
    assert.match(String(tunables), /[=:]glibc\.malloc\.hugetlb=1(:|$)/)
    // glibc marks the heap it grows MADV_HUGEPAGE ("hg"), where the kernel has transparent huge pages
    if (existsSync('/sys/kernel/mm/transparent_hugepage/enabled')) {
      const heap = (await readFile(`/proc/${d.proc.pid}/smaps`, 'utf8')).split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/).filter(m => m.split('\n')[0].endsWith('[heap]'))
      assert.ok(heap.some(m => /^VmFlags:.* hg\b/m.test(m)), heap.map(m => m.split('\n')[0]).join('\n'))
    }
  })

  it('refuses a request without a token with 401 and a code', async () => {
    const res = await fetch(`${d.api}/api/v1/status`)
    assert.equal(res.status, 401)
    assert.equal(((await res.json()) as any).code, 'UNAUTHORIZED')
  })

  it('refuses a wrong token with 401, on known and unknown routes alike', async () => {
    for (const path of ['/api/v1/status', '/api/v1/nope']) {
      const res = await fetch(`${d.api}${path}`, { headers: { authorization: 'Bearer ' + 'f'.repeat(64) } })
      assert.equal(res.status, 401, path)
    }
  })

  it('accepts the right token', async () => {
    const res = await d.request('GET', '/api/v1/status')
    assert.equal(res.status, 200)
    assert.equal(res.body.peerId, d.peerId)
    assert.equal(res.body.dht.protocol, '/hypermesh/kad/1.0.0')
    assert.equal(typeof res.body.dht.routingTablePeers, 'number')
  })

  it('answers bad JSON with 400 and a stable code', async () => {
    const res = await fetch(`${d.api}/api/v1/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' },
      body: '{"multiaddr": '
    })
    assert.equal(res.status, 400)
    const body = await res.json() as any
    assert.equal(body.code, 'BAD_JSON')
    assert.equal(typeof body.message, 'string')
  })

  it('answers a well-formed but wrong body with 400', async () => {
    const res = await d.request('POST', '/api/v1/connect', { multiaddr: 'not a multiaddr' })
    assert.equal(res.status, 400)
    assert.equal(res.body.code, 'INVALID_MULTIADDR')
  })

  it('answers an unknown route with 404 and a code', async () => {
    const res = await d.request('GET', '/api/v1/no-such-route')
    assert.equal(res.status, 404)
    assert.equal(res.body.code, 'ROUTE_NOT_FOUND')
  })

  it('serves Prometheus metrics', async () => {
    const res = await d.request('GET', '/metrics')
    assert.equal(res.status, 200)
    assert.match(String(res.body), /^hypermesh_uptime_seconds \d+$/m)
  })

  it('refuses a second daemon on the same data dir, leaving the first unharmed', async () => {
    const second = await runCli(['--data-dir', d.dataDir, 'daemon'])
    assert.equal(second.code, 1)
    assert.match(second.stderr, /already in use/)
    assert.match(second.stderr, /hint:/)
    assert.doesNotMatch(second.stderr, /at .*\.ts:\d+/, 'no stack trace')
    const res = await d.request('GET', '/api/v1/status')
    assert.equal(res.status, 200, 'first daemon still answers')
    assert.equal(res.body.status, 'started')
  })

  it('stops gracefully on the shutdown route', async () => {
    const dir = d.dataDir
    const res = await d.request('POST', '/api/v1/shutdown')
    assert.equal(res.status, 200)
    assert.equal(await d.exited, 0)
    // the data dir's lock was released: a new daemon starts on it
    d = await spawnDaemon({ dataDir: dir })
    assert.equal((await d.request('GET', '/api/v1/status')).status, 200)
  })
})
