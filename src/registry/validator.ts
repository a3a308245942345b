import { logger } from '@libp2p/logger'
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import type { ChainContext } from '../trust/index.ts'
import { RECORD_NAMESPACE } from './constants.ts'
import type { SequenceMarks } from './marks.ts'
import { nameFromKey, peekSequence } from './record.ts'
import { verifyRecord } from './verify-record.ts'

const log = logger('hypermesh:registry:validator')

export interface RegistryValidatorInit {
  trustStore: ChainContext
  /** The node's newest-seen sequences; the validator refuses older ones and raises the mark. */
  marks: SequenceMarks
  /** @default () => new Date() */
  now?: () => Date
}

/**
 * The kad-dht validator for `/hmpkg/<name>`, keyed by namespace as kad-dht expects. kad-dht calls
 * it for a PUT it receives, for every record a GET returns, and for its own stored record, so
 * a record refused here is never stored, never served and never selected. It rejects bad size,
 * schema, signature, chain, scope, revocation and expiry (verifyRecord) and any sequence older
 * than the newest this node has seen for the name (rollback), and raises that mark.
 */
export function registryValidators (init: RegistryValidatorInit): Record<typeof RECORD_NAMESPACE, ValidateFn> {
  const now = init.now ?? (() => new Date())
  return {
    [RECORD_NAMESPACE]: async (key, value) => {
      const name = nameFromKey(key)
      try {
        const verified = verifyRecord(value, { trustStore: init.trustStore, at: now(), name })
        await init.marks.raise(name, verified.body.sequence)
      } catch (err: any) {
        log('refused record for %s: %s %s', name, err.name, err.message)
        throw err
      }
    }
  }
}

/**
 * The kad-dht selector for `/hmpkg/<name>`: the highest sequence wins, then the later expiry,
 * then the bytewise greater value, so every node picks the same record from the same set. It
 * sees only records that passed the validator; one that does not decode is never picked.
 */
export function registrySelectors (): Record<typeof RECORD_NAMESPACE, SelectFn> {
  return {
    [RECORD_NAMESPACE]: (_key, records) => selectBestRecord(records)
  }
}

export function selectBestRecord (records: Uint8Array[]): number {
  let best = -1
  let bestFacts: { sequence: number, expires: string } | undefined
  for (let i = 0; i < records.length; i++) {
    const facts = peekSequence(records[i])
    if (facts === undefined) continue
    if (bestFacts === undefined || compare(facts, records[i], bestFacts, records[best]) > 0) {
      best = i
      bestFacts = facts
    }
  }
  return best === -1 ? 0 : best
}

function compare (a: { sequence: number, expires: string }, aBytes: Uint8Array, b: { sequence: number, expires: string }, bBytes: Uint8Array): number {
  if (a.sequence !== b.sequence) return a.sequence - b.sequence
  if (a.expires !== b.expires) return a.expires < b.expires ? -1 : 1
  return Buffer.compare(aBytes, bBytes)
}
