import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { writeExtension } from '../fixtures/extensions/packages.ts'
import { startHarness } from '../fixtures/extensions/manager.ts'
import type { Harness } from '../fixtures/extensions/manager.ts'

/** Busy-waits `ms` of wall time inside the isolate (it has no timers). */
const BURNER = 'export function burn (ms) { const end = Date.now() + ms; while (Date.now() < end) {} return ms }'

/** Calls burn(`busyMs`) every `periodMs` until `until()` holds; returns the first error's name, if any. */
async function duty (h: Harness, id: string, busyMs: number, periodMs: number, until: () => boolean): Promise<string | undefined> {
  while (!until()) {
    try {
      await h.manager.call(id, 'burn', [busyMs])
    } catch (err: any) {
      return err.name
    }
    await sleep(periodMs - busyMs)
  }
  return undefined
}

describe('rolling CPU budget', () => {
  let h: Harness
  before(async () => {
    // a low share, so that the greedy extension exceeds it even on a machine busy with other work
    h = await startHarness({ quotas: { cpuPercent: 10, cpuBurstMs: 150, callTimeoutMs: 500 }, restart: { initialDelayMs: 10_000 } }, async dir => {
      await writeExtension(dir, { id: 'steady', code: BURNER })
      await writeExtension(dir, { id: 'greedy', code: BURNER })
    })
  })
  after(async () => { await h.close() })

  it('lets an extension stay within its share (10 % of a core) indefinitely, and stops one that wants all of a core', async () => {
    // the greedy one gets as long as a busy machine needs to starve it of its 20 % … 100 %
    const start = Date.now()
    let greedyDone = false
    const [steady, greedy] = await Promise.all([
      duty(h, 'steady', 3, 100, () => greedyDone && Date.now() - start > 1500),
      duty(h, 'greedy', 20, 20, () => Date.now() - start > 8000).finally(() => { greedyDone = true })
    ])
    assert.equal(steady, undefined, 'within its share, never stopped')
    assert.ok(greedy === 'CpuQuotaExceededError' || greedy === 'ExtensionNotReadyError', `greedy was stopped (${greedy})`)
    assert.equal(h.manager.getExtension('greedy')?.state, 'crashed', 'and waits for its restart backoff')
    assert.equal(h.manager.getExtension('steady')?.state, 'running')
  })
})
