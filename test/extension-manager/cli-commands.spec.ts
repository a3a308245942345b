import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, it } from 'node:test'
import type { ApiClient, CliContext } from '../../src/cli/context.ts'

const INFO = {
  id: 'hello', name: 'HyperMesh Hello', version: '1.0.0', category: 'Template', dir: '/x/hello', digest: 'bagaa1',
  state: 'running', requestedCapabilities: ['AssetManagement'], grantedCapabilities: ['AssetManagement'], deniedCapabilities: [],
  providedAssets: ['Greeting'], dependencies: [], restarts: 0, inFlight: 0
}

/** A CLI context whose API client records requests and answers with `reply`. */
function fakeContext (reply: unknown): { ctx: CliContext, requests: unknown[][], results: Array<{ value: unknown, human: string }> } {
  const requests: unknown[][] = []
  const results: Array<{ value: unknown, human: string }> = []
  const api: ApiClient = {
    url: 'http://127.0.0.1:0',
    request: async <T>(method: string, path: string, body?: unknown) => { requests.push([method, path, body]); return reply as T },
    stream: async <T>(method: string, path: string, body: unknown, onLine: (line: { type: string }) => void) => {
      requests.push([method, path, body])
      onLine({ type: 'extensions:lifecycle:loading' })
      return reply as T
    }
  }
  const ctx: CliContext = {
    out: {
      json: false,
      result: (value, human) => { results.push({ value, human: typeof human === 'function' ? human() : String(human) }) },
      info: () => {},
      progress: () => {},
      done: () => {}
    },
    global: { dataDir: '/tmp/none', json: false },
    api: async () => api
  }
  return { ctx, requests, results }
}

describe('ext CLI commands', () => {
  it('list, info, load, unload, reload and call send the right control-API requests', async () => {
    const cases: Array<[string, string[], Record<string, unknown>, unknown[], unknown]> = [
      ['ext-list', [], {}, ['GET', '/api/v1/extensions', undefined], [INFO]],
      ['ext-info', ['hello'], {}, ['GET', '/api/v1/extensions/hello', undefined], INFO],
      ['ext-load', ['hello'], {}, ['POST', '/api/v1/extensions/hello/load', {}], INFO],
      ['ext-unload', ['hello'], {}, ['POST', '/api/v1/extensions/hello/unload', {}], INFO],
      ['ext-reload', ['hello'], { dir: 'pkg' }, ['POST', '/api/v1/extensions/hello/reload', { dir: resolve('pkg') }], INFO],
      ['ext-call', ['hello', 'hello', '"Ada"', '{"a":1}', 'plain'], {}, ['POST', '/api/v1/extensions/hello/call', { method: 'hello', args: ['Ada', { a: 1 }, 'plain'] }], { result: 'Hello, Ada!' }]
    ]
    for (const [name, args, opts, request, reply] of cases) {
      const { run } = await import(`../../src/cli/commands/${name}.ts`)
      const { ctx, requests, results } = fakeContext(reply)
      await run(ctx, args, opts)
      assert.deepEqual(requests, [request], name)
      assert.equal(results.length, 1, name)
      assert.ok(results[0].human.length > 0, name)
    }
  })

  it('install sends the absolute package directory and shows the granted capabilities', async () => {
    const { run } = await import('../../src/cli/commands/ext-install.ts')
    const { ctx, requests, results } = fakeContext(INFO)
    await run(ctx, ['extensions/hello'], {})
    assert.deepEqual(requests, [['POST', '/api/v1/extensions/install', { dir: resolve('extensions/hello') }]])
    assert.match(results[0].human, /installed hello@1\.0\.0/)
    assert.match(results[0].human, /granted: +AssetManagement/)
  })
})
