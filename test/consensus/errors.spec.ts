import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import * as errors from '../../src/consensus/errors.ts'

describe('consensus errors', () => {
  const classes = Object.entries(errors).filter(([name]) => name !== 'ConsensusError') as Array<[string, new (message: string) => Error & { code: string }]>

  it('name each failure after its class, with a stable code', () => {
    for (const [name, Class] of classes) {
      const err = new Class('x')
      assert.equal(err.name, name)
      assert.ok(err instanceof errors.ConsensusError)
      assert.match(err.code, /^[A-Z0-9_]+$/)
    }
    assert.equal(new errors.VdfNonCanonicalError('x').code, 'VDF_NON_CANONICAL')
  })

  it('are all listed in the SPEC error catalogue', async () => {
    const spec = await readFile(new URL('../../protocols/consensus/SPEC.md', import.meta.url), 'utf8')
    const catalogue = spec.slice(spec.indexOf('## 13. Error catalogue'))
    assert.deepEqual(classes.map(([name]) => name).filter(name => !catalogue.includes(`\`${name}\``)), [])
  })
})
