import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Outbox } from '../../../src/extension-manager/host/protocol.ts'
import type { Batch } from '../../../src/extension-manager/host/protocol.ts'

type Message = { type: 'list', key: string, items: unknown[] } | { type: 'note', text: string }

const turn = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

describe('Outbox', () => {
  it('sends what one turn queued as one message, one flat array per key, appended and listed alike', async () => {
    const sent: Array<Message | Batch<Message>> = []
    const outbox = new Outbox<Message>(m => { sent.push(m) })
    const make = (key: string, items: unknown[]): Message => ({ type: 'list', key, items })
    const handedOver = [1, true, 'a']
    outbox.append('x', make, handedOver)
    outbox.list('x', make).push(2, false, 'b')
    outbox.append('x', make, [3, true, 'c'])
    outbox.append('y', make, [])
    outbox.push({ type: 'note', text: 'n' })
    outbox.list('y', make).push(4, true, 'd')
    await turn()
    assert.deepEqual(sent, [{
      type: 'batch',
      messages: [
        { type: 'list', key: 'x', items: [1, true, 'a', 2, false, 'b', 3, true, 'c'] },
        { type: 'note', text: 'n' },
        { type: 'list', key: 'y', items: [4, true, 'd'] }
      ]
    }])
    const first = (sent[0] as Batch<Message>).messages[0] as Extract<Message, { type: 'list' }>
    assert.equal(first.items, handedOver, 'the first array appended is sent as it is, not copied')
    outbox.append('x', make, [5, true, 'e'])
    await turn()
    assert.deepEqual(sent[1], { type: 'list', key: 'x', items: [5, true, 'e'] }, 'a later turn starts new arrays; a lone message goes unbatched')
  })
})
