import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MODULE = fileURLToPath(new URL('../../src/util/debug-colors.ts', import.meta.url))

/** DEBUG_COLORS as a fresh process sees it after importing the module (stderr is a pipe, not a TTY). */
function colorsAfterImport (env: NodeJS.ProcessEnv): string {
  const { DEBUG_COLORS: _, ...rest } = process.env
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(MODULE)}); process.stdout.write(String(process.env.DEBUG_COLORS))`], {
    env: { ...rest, ...env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8'
  })
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}

describe('debug-colors', () => {
  it('settles DEBUG_COLORS from stderr once, so the logger never asks isatty per logger', () => {
    assert.equal(colorsAfterImport({}), 'false')
  })

  it('keeps a DEBUG_COLORS the user set', () => {
    assert.equal(colorsAfterImport({ DEBUG_COLORS: 'true' }), 'true')
  })
})
