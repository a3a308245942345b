import assert from 'node:assert/strict'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { configFromEnv, resolveConfig } from '../../src/node/index.ts'

describe('config', () => {
  it('resolves to the pinned defaults when nothing is given', () => {
    // pinned literally: a change to a default must change this test on purpose
    assert.deepEqual(resolveConfig({}), {
      dataDir: join(homedir(), '.hypermesh'),
      listen: ['/ip4/127.0.0.1/tcp/4201', '/ip4/127.0.0.1/udp/4201/quic-v1'],
      announce: [],
      bootstrap: [],
      api: { host: '127.0.0.1', port: 5201, bodyLimit: 1048576 },
      dht: { protocol: '/hypermesh/kad/1.0.0', clientMode: false, disjointPaths: 3 },
      connections: { max: 300, dialTimeoutMs: 10000, allow: ['/ip4/127.0.0.0/ipcidr/8', '/ip6/::1/ipcidr/128'], redialKnownPeers: 16 },
      store: { quotaBytes: 10737418240 },
      consensus: {},
      registry: {},
      shutdownTimeoutMs: 5000
    })
  })

  it('layers defaults < file < environment < flags', () => {
    const c = resolveConfig({
      file: { api: { port: 1111, host: '127.0.0.2' }, bootstrap: ['/ip4/127.0.0.1/tcp/1'] },
      env: configFromEnv({ HYPERMESH_API_PORT: '2222' }),
      flags: { api: { port: 3333 } }
    })
    assert.equal(c.api.port, 3333)
    assert.equal(c.api.host, '127.0.0.2', 'file value kept where nothing overrides it')
    assert.deepEqual(c.bootstrap, ['/ip4/127.0.0.1/tcp/1'])
    assert.equal(resolveConfig({ file: { api: { port: 1111 } }, env: configFromEnv({ HYPERMESH_API_PORT: '2222' }) }).api.port, 2222)
  })

  it('reads comma-separated lists from the environment', () => {
    const c = resolveConfig({ env: configFromEnv({ HYPERMESH_LISTEN: '/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2', HYPERMESH_BOOTSTRAP: '' }) })
    assert.deepEqual(c.listen, ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2'])
    assert.deepEqual(c.bootstrap, [])
  })

  it('names the bad field of a malformed config', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ api: { port: 'eighty' } }, /"api\.port"/],
      [{ api: { port: 70000 } }, /"api\.port"/],
      [{ listen: ['tcp/4001'] }, /"listen\.0"/],
      [{ shutdownTimeoutMs: -1 }, /"shutdownTimeoutMs"/],
      [{ colour: 'blue' }, /unknown field\(s\) colour/],
      [[1, 2], /expected a JSON object/]
    ]
    for (const [file, pattern] of cases) {
      assert.throws(() => resolveConfig({ file }), (err: any) => err.name === 'InvalidConfigError' && pattern.test(err.message), JSON.stringify(file))
    }
    assert.throws(() => resolveConfig({ env: configFromEnv({ HYPERMESH_API_PORT: 'x1' }) }), /"api\.port"/)
  })
})
