import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DAEMON_GLIBC_TUNABLES, daemonGlibcTunables } from '../../scripts/lib/daemon-runtime.mjs'

describe('daemonGlibcTunables (the daemon\'s GLIBC_TUNABLES)', () => {
  it('sets the daemon\'s tunables when the user set none', () => {
    assert.equal(daemonGlibcTunables(), DAEMON_GLIBC_TUNABLES.join(':'))
    assert.equal(daemonGlibcTunables(''), 'glibc.malloc.hugetlb=1')
  })

  it('keeps the user\'s other tunables and adds the daemon\'s after them', () => {
    assert.equal(daemonGlibcTunables('glibc.malloc.arena_max=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1')
  })

  it('leaves a tunable the user set to their value', () => {
    assert.equal(daemonGlibcTunables('glibc.malloc.hugetlb=0'), 'glibc.malloc.hugetlb=0')
    assert.equal(daemonGlibcTunables('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2')
  })

  it('is stable, so a re-executed daemon does not re-execute again', () => {
    const once = daemonGlibcTunables('glibc.malloc.arena_max=2')
    assert.equal(daemonGlibcTunables(once), once)
  })
})
