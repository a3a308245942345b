import { logger } from '@libp2p/logger'
import type { Datastore } from 'interface-datastore'
import { Key } from 'interface-datastore'
import { HighWaterMarks } from '../trust/index.ts'

const log = logger('hypermesh:registry:marks')

/** Datastore prefix of the per-name newest sequence (one LevelDB entry per package name). */
const MARKS_PREFIX = '/hypermesh/registry/sequence'

/**
 * Rollback defence: the newest record sequence this node has seen per package name. kad-dht's
 * selector only compares the records of one query, and a PUT of an older (still validly
 * signed) record would overwrite a newer one, so every validator call checks this mark and
 * raises it. The comparison is the trust area's HighWaterMarks; the marks persist in the node's
 * LevelDB, written before the record is accepted, so a restart does not forget them.
 */
export class SequenceMarks {
  private readonly marks = new HighWaterMarks()
  private datastore?: Datastore

  /**
   * Attaches the node's datastore and loads the persisted marks; call once before the node
   * starts answering. Until then (and in tests that never call it) marks live in memory only.
   */
  async open (datastore: Datastore, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.datastore = datastore
    let n = 0
    for await (const { key, value } of this.datastore.query({ prefix: MARKS_PREFIX }, options)) {
      const name = key.baseNamespace()
      this.marks.record(name, Number(new TextDecoder().decode(value)))
      n++
    }
    log('loaded %d sequence marks', n)
  }

  get (name: string): number | undefined {
    const seen = this.marks.get(name)
    return typeof seen === 'number' ? seen : undefined
  }

  /** Throws RollbackError when `sequence` is older than the newest seen for `name`. */
  check (name: string, sequence: number): void {
    this.marks.check(name, sequence)
  }

  /** Checks, then raises the mark (persisting it first) when `sequence` is newer. */
  async raise (name: string, sequence: number): Promise<void> {
    this.check(name, sequence)
    const seen = this.get(name)
    if (seen !== undefined && seen >= sequence) return
    await this.datastore?.put(new Key(`${MARKS_PREFIX}/${name}`), new TextEncoder().encode(String(sequence)))
    this.marks.record(name, sequence)
  }
}
