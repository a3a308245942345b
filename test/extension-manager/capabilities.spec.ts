import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { grantCapabilities } from '../../src/extension-manager/index.ts'

describe('grantCapabilities', () => {
  const policy = {
    default: ['AssetManagement' as const],
    trustLevels: { anchor: ['NetworkAccess' as const, 'ConsensusAccess' as const] },
    publishers: { 'SHA256:aa': ['TransportAccess' as const] },
    extensions: { special: ['VMExecution' as const] }
  }

  it('grants requested ∩ policy and names what it denies', () => {
    const grant = grantCapabilities(['AssetManagement', 'NetworkAccess', 'ProxyAccess'], policy, { extensionId: 'x', trustLevel: 'anchor' })
    assert.deepEqual(grant.granted, ['AssetManagement', 'NetworkAccess'])
    assert.deepEqual(grant.denied, ['ProxyAccess'])
  })

  it('never grants what was not requested, however much the policy allows', () => {
    const grant = grantCapabilities([], policy, { extensionId: 'special', trustLevel: 'anchor', publisher: 'SHA256:aa' })
    assert.deepEqual(grant.granted, [])
  })

  it('unions trust level, publisher and extension allowances, then applies the certificate scope', () => {
    const requested = ['NetworkAccess', 'TransportAccess', 'VMExecution', 'AssetManagement']
    const all = grantCapabilities(requested, policy, { extensionId: 'special', trustLevel: 'anchor', publisher: 'SHA256:aa' })
    assert.deepEqual(all.granted, requested)
    const scoped = grantCapabilities(requested, policy, { extensionId: 'special', trustLevel: 'anchor', publisher: 'SHA256:aa', certificateScope: ['NetworkAccess'] })
    assert.deepEqual(scoped.granted, ['NetworkAccess'])
    assert.deepEqual(scoped.denied, ['TransportAccess', 'VMExecution', 'AssetManagement'])
  })

  it('is frozen, so nothing can be added after activation', () => {
    const grant = grantCapabilities(['AssetManagement'], policy, { extensionId: 'x' })
    assert.ok(Object.isFrozen(grant) && Object.isFrozen(grant.granted))
    assert.throws(() => { (grant.granted as string[]).push('NetworkAccess') }, TypeError)
  })

  it('an unsigned extension under the default policy gets AssetManagement only', () => {
    const grant = grantCapabilities(['AssetManagement', 'NetworkAccess'], {}, { extensionId: 'x' })
    assert.deepEqual(grant.granted, ['AssetManagement'])
  })
})
