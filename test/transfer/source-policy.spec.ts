import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SourcePolicy } from '../../src/transfer/source-policy.ts'

const EPOCH = 4
const GAIN = 0.1
const CHUNK = 1000

/**
 * Drives a policy over providers a, b, c with a fake clock: each step stores one chunk from the
 * active provider whose turn it is (round robin), `msPerChunk(active)` after the previous one.
 */
const activeOf = (p: SourcePolicy<string>): string[] => ['a', 'b', 'c'].filter(x => p.isActive(x))

function drive (steps: number, msPerChunk: (active: number) => number): SourcePolicy<string> {
  const clock = { t: 0 }
  const policy = new SourcePolicy(['a', 'b', 'c'], { epochChunks: EPOCH, minGain: GAIN, now: () => clock.t })
  for (let s = 0, turn = 0; s < steps; s++) {
    const active = activeOf(policy)
    clock.t += msPerChunk(active.length)
    policy.onChunk(active[turn++ % active.length], CHUNK)
  }
  return policy
}


describe('SourcePolicy', () => {
  it('starts with every provider active and decides nothing in the warm-up and first measured epoch', () => {
    const policy = drive(1 + 2 * EPOCH - 1, () => 1)
    assert.deepEqual(activeOf(policy), ['a', 'b', 'c'])
  })

  it('benches providers while the rate holds without them (the getter is the limit), down to one', () => {
    // warm-up, measured epoch, two bench trials kept
    const policy = drive(1 + 4 * EPOCH, () => 1)
    assert.equal(policy.activeCount, 1)
    assert.equal(['a', 'b', 'c'].filter(x => policy.isBenched(x)).length, 2)
  })

  it('tries bringing a benched provider back after a wait, and benches it again when the rate does not rise', () => {
    // two epochs' wait, then an add trial (epoch 7) that gains nothing
    assert.equal(drive(1 + 6 * EPOCH + 1, () => 1).activeCount, 2)
    assert.equal(drive(1 + 7 * EPOCH, () => 1).activeCount, 1)
  })

  it('keeps every provider when the rate falls by more than minGain without one (providers are the limit)', () => {
    // each provider delivers one chunk per 3 ms: n active providers, n chunks per 3 ms
    const policy = drive(1 + 2 * EPOCH + 10 * EPOCH, active => 3 / active)
    assert.deepEqual(activeOf(policy), ['a', 'b', 'c'])
  })

  it('keeps a provider benched when the fetch is less than minGain slower without it', () => {
    // without one provider the fetch runs 5 % slower (not worth a connection), without two 3× slower
    const policy = drive(1 + 2 * EPOCH + 6 * EPOCH, active => active === 3 ? 1 : active === 2 ? 1.05 : 3)
    assert.equal(policy.activeCount, 2)
    assert.equal(['a', 'b', 'c'].filter(x => policy.isBenched(x)).length, 1)
  })

  it('brings every benched provider back when an active one leaves', () => {
    const policy = drive(1 + 4 * EPOCH, () => 1)
    const [last] = activeOf(policy)
    policy.remove(last)
    assert.deepEqual(activeOf(policy), ['a', 'b', 'c'].filter(x => x !== last))
  })

  it('brings every benched provider back when the settled set slows down for two epochs', () => {
    let slow = false
    const clock = { t: 0 }
    const policy = new SourcePolicy(['a', 'b', 'c'], { epochChunks: EPOCH, minGain: GAIN, now: () => clock.t })
    const step = (): void => {
      clock.t += slow ? 2 : 1
      policy.onChunk(activeOf(policy)[0], CHUNK)
    }
    for (let s = 0; s < 1 + 4 * EPOCH; s++) step()
    assert.equal(policy.activeCount, 1)
    slow = true
    for (let s = 0; s < EPOCH; s++) step()
    assert.equal(policy.activeCount, 1, 'one slow epoch is not enough')
    for (let s = 0; s < EPOCH; s++) step()
    assert.equal(policy.activeCount, 3)
  })

  it('does not count the answers a benched provider still owed towards its trial', () => {
    const clock = { t: 0 }
    const policy = new SourcePolicy(['a', 'b'], { epochChunks: EPOCH, minGain: GAIN, now: () => clock.t })
    for (let s = 0; s < 1 + 2 * EPOCH; s++) { clock.t += 1; policy.onChunk(s % 2 === 0 ? 'a' : 'b', CHUNK) }
    const benched = policy.isBenched('a') ? 'a' : 'b'
    const kept = benched === 'a' ? 'b' : 'a'
    // the benched provider's late answers arrive fast; then the fetch without it is half as fast
    for (let s = 0; s < 3; s++) { clock.t += 0.1; policy.onChunk(benched, CHUNK) }
    for (let s = 0; s < EPOCH; s++) { clock.t += 2; policy.onChunk(kept, CHUNK) }
    assert.equal(policy.activeCount, 2, 'the provider is back: the fetch was slower without it')
  })
})
