import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { spliceReference } from '../../src/cli/reference.ts'
import { COMMANDS } from '../../src/cli/commands.ts'
import { ROOT } from '../helpers/daemon.ts'

describe('CLI reference', () => {
  it('README.md carries the reference generated from the command list', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    assert.equal(spliceReference(readme), readme, 'run `npm run docs:cli` to refresh README.md')
  })

  it('every listed command has a loadable module with a run function', async () => {
    for (const c of COMMANDS) {
      const mod = await c.load()
      assert.equal(typeof mod.run, 'function', c.name)
      assert.ok(c.examples.length > 0, `${c.name} has an example`)
    }
  })
})
