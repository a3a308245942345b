import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createOutput } from '../../src/cli/output.ts'

function sink (tty: boolean): NodeJS.WriteStream & { text: string } {
  const s: any = { text: '', isTTY: tty, columns: 200, write (chunk: string) { s.text += chunk; return true } }
  return s
}

describe('CLI output', () => {
  it('draws transfer progress as a bar with bytes, rate, peers and ETA on a TTY', () => {
    const out = sink(false)
    const err = sink(true)
    const o = createOutput(false, out, err)
    o.progress({ type: 'stoq:fetch:chunk', detail: { received: 1048576, size: 4194304, peer: 'A' } })
    o.progress({ type: 'stoq:fetch:chunk', detail: { received: 4194304, size: 4194304, peer: 'B' } })
    o.done()
    assert.match(err.text, /\[#+-*\] 100\.0% 4\.0 MiB\/4\.0 MiB .*\/s peers 2 eta/)
    assert.equal(out.text, '')
  })

  it('writes NDJSON progress on stderr and one JSON result on stdout with --json', () => {
    const out = sink(false)
    const err = sink(true)
    const o = createOutput(true, out, err)
    o.progress({ type: 'stoq:fetch:chunk', detail: { received: 1, size: 2 } })
    o.info('not shown in JSON mode')
    o.result({ ok: true }, 'human text')
    assert.deepEqual(err.text.trim().split('\n').map(l => JSON.parse(l)), [{ type: 'stoq:fetch:chunk', detail: { received: 1, size: 2 } }])
    assert.deepEqual(JSON.parse(out.text), { ok: true })
  })

  it('prints the human rendering without --json and no progress when stderr is not a TTY', () => {
    const out = sink(false)
    const err = sink(false)
    const o = createOutput(false, out, err)
    o.progress({ type: 'x', detail: { received: 1, size: 2 } })
    o.result({ ok: true }, () => 'all good')
    assert.equal(out.text, 'all good\n')
    assert.equal(err.text, '')
  })
})
