import { logger } from '@libp2p/logger'
import type { Selectors, Validators } from '@libp2p/kad-dht'
import type { HyperMeshNode, PutResult } from '../node/index.ts'
import {
  encodeRevocationRecord, parseCertificateBundle, REVOCATION_NAMESPACE, revocationKey, saveRevocationList, verifyChain, verifyRevocationRecord,
  MalformedTrustDataError, parseRevocationList
} from '../trust/index.ts'
import type { TrustStore, VerifiedRevocationRecord } from '../trust/index.ts'
import type { OperationOptions } from '../util/progress.ts'

const log = logger('hypermesh:daemon:revocations')

/**
 * How often a node asks the mesh for newer revocation lists of the issuers it knows. A put
 * reaches the ~20 peers closest to the key at once; this pull covers nodes that were offline or
 * farther away. A list's nextUpdate is a week, so ten minutes keeps revocation prompt.
 */
export const REVOCATION_REFRESH_MS = 10 * 60_000
/** The first pull after start waits for the node to join the mesh. */
export const REVOCATION_FIRST_REFRESH_MS = 3_000
/** A newly seen issuer's list is pulled this soon (issuers seen together are pulled together). */
export const NEW_ISSUER_PULL_DELAY_MS = 1_000
/** Longest DHT lookup per issuer during a refresh. */
const REFRESH_LOOKUP_TIMEOUT_MS = 15_000

export interface RevocationSummary {
  issuer: string
  subject: string
  number: string
  revoked: string[]
  thisUpdate: string
  nextUpdate: string
}

export interface PublishedRevocation extends RevocationSummary, PutResult {}

/**
 * Spreads revocation lists through the mesh (DESIGN.md) as `/hmcrl/<issuer>` DHT records.
 * Every node validates a list before it stores or serves it (issuer chains to an anchor, CRL
 * signature, not stale, never older than the list it holds) and applies what it accepts to its
 * trust store at once, saved in the data dir: a put reaches the closest peers, a periodic pull
 * of known issuers' keys reaches the rest, also after a restart.
 */
export class RevocationSpread {
  private readonly dataDir: string
  private readonly trustStore: TrustStore
  private readonly now: () => Date
  private node: HyperMeshNode<any> | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly shutdown = new AbortController()
  /** Refreshes run one after another; stop() waits for the last. */
  private refreshing: Promise<void> = Promise.resolve()
  /** Issuers seen in chain checks since start (anchors and held lists' issuers are always pulled). */
  private readonly seen = new Set<string>()
  private pullSoon: NodeJS.Timeout | undefined
  /** Issuer subjects by fingerprint, for listing (lists loaded from disk show their fingerprint until refreshed). */
  private readonly subjects = new Map<string, string>()
  /** Called after a newer list was applied and saved: what trusted the old one checks again. */
  onApplied?: (issuerFingerprint: string) => void

  constructor (init: { dataDir: string, trustStore: TrustStore, now?: () => Date }) {
    this.dataDir = init.dataDir
    this.trustStore = init.trustStore
    this.now = init.now ?? (() => new Date())
    this.trustStore.onIssuerChecked = issuer => { this.noteIssuer(issuer) }
  }

  /** The kad-dht validator: refuses a bad, stale or older list, and applies one it accepts. */
  get validators (): Validators {
    return {
      [REVOCATION_NAMESPACE]: async (key, value) => {
        const record = verifyRevocationRecord(value, { trustStore: this.trustStore, at: this.now(), key })
        await this.apply(record)
      }
    }
  }

  /** The kad-dht selector: the highest CRL number among the lists that verify. */
  get selectors (): Selectors {
    return {
      [REVOCATION_NAMESPACE]: (key, records) => {
        let best = 0
        let bestNumber = -1n
        records.forEach((value, i) => {
          try {
            const n = verifyRevocationRecord(value, { trustStore: this.trustStore, at: this.now(), key }).list.number
            if (n > bestNumber) { best = i; bestNumber = n }
          } catch {}
        })
        return best
      }
    }
  }

  /** Starts the periodic pull once the node exists. */
  start (node: HyperMeshNode<any>): void {
    this.node = node
    const tick = (delay: number): void => {
      this.timer = setTimeout(() => {
        void this.queueRefresh().then(() => { if (!this.shutdown.signal.aborted) tick(REVOCATION_REFRESH_MS) })
      }, delay)
      this.timer.unref()
    }
    tick(REVOCATION_FIRST_REFRESH_MS)
  }

  async stop (): Promise<void> {
    this.shutdown.abort()
    clearTimeout(this.timer)
    clearTimeout(this.pullSoon)
    this.trustStore.onIssuerChecked = undefined
    await this.refreshing
  }

  /** An issuer met in a chain check for the first time: its list is pulled shortly. */
  private noteIssuer (issuer: string): void {
    if (this.seen.has(issuer)) return
    this.seen.add(issuer)
    if (this.node === undefined || this.shutdown.signal.aborted || this.pullSoon !== undefined) return
    this.pullSoon = setTimeout(() => {
      this.pullSoon = undefined
      void this.queueRefresh()
    }, NEW_ISSUER_PULL_DELAY_MS)
    this.pullSoon.unref()
  }

  /** The lists this node holds, newest per issuer. */
  list (): RevocationSummary[] {
    return this.trustStore.revocations.all().map(l => summarize(l, this.subjectOf(l.issuerFingerprint)))
  }

  /**
   * Verifies a list against its issuer's chain (PEM: the issuer first, then intermediates up to
   * an anchor), applies it here and puts it into the DHT.
   */
  async publish (crlPem: string, issuerPem: string, options: OperationOptions = {}): Promise<PublishedRevocation> {
    const node = this.need()
    const chain = parseCertificateBundle(issuerPem)
    if (chain.length === 0) throw new MalformedTrustDataError('no issuer certificate given (the certificate of the CA that signed the list)')
    const path = verifyChain(chain, this.trustStore, this.now()).certificates
    // the anchor is left out: every node has it, and a record stays small
    const sent = path.length > 1 ? path.slice(0, -1) : path
    const list = parseRevocationList(crlPem, path[0])
    const bytes = encodeRevocationRecord(list, sent)
    const key = new TextDecoder().decode(revocationKey(list.issuerFingerprint))
    const put = await node.putValue(key, bytes, options)
    log('published revocation list %s of %s to %d peers', list.number, list.issuerFingerprint, put.acceptedBy.length)
    return { ...summarize(list, path[0].subject), ...put }
  }

  private async queueRefresh (): Promise<void> {
    this.refreshing = this.refreshing.then(async () => { await this.refresh() }).catch(err => { log.error('revocation refresh failed: %e', err) })
    await this.refreshing
  }

  /** Asks the mesh for each known issuer's newest list; the validator applies what is newer. */
  async refresh (): Promise<void> {
    const node = this.need()
    const issuers = new Set([...this.trustStore.anchors().map(a => a.fingerprint), ...this.trustStore.revocations.all().map(l => l.issuerFingerprint), ...this.seen])
    for (const issuer of issuers) {
      if (this.shutdown.signal.aborted) return
      const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(REFRESH_LOOKUP_TIMEOUT_MS)])
      try {
        // the query itself is the pull: kad-dht runs this namespace's validator on every list a
        // peer returns, and the validator applies what is newer
        await node.getValue(new TextDecoder().decode(revocationKey(issuer)), { signal })
      } catch (err: any) {
        if (err.name !== 'DhtValueNotFoundError') log('no revocation list of %s found: %s', issuer, err.message)
      }
    }
  }

  private async apply (record: VerifiedRevocationRecord): Promise<void> {
    // accept() refuses an older list (rollback) and ignores the one already held
    if (!this.trustStore.revocations.accept(record.list, this.now())) return
    this.subjects.set(record.list.issuerFingerprint, record.chain[0].subject)
    await saveRevocationList(this.dataDir, record.list, record.chain[0])
    log('applied revocation list %s of %s (%d revoked)', record.list.number, record.chain[0].subject, record.list.entries.size)
    this.onApplied?.(record.list.issuerFingerprint)
  }

  private subjectOf (fingerprint: string): string {
    return this.subjects.get(fingerprint) ?? this.trustStore.anchors().find(a => a.fingerprint === fingerprint)?.subject ?? fingerprint
  }

  private need (): HyperMeshNode<any> {
    if (this.node === undefined) throw new Error('RevocationSpread used before start()')
    return this.node
  }
}

function summarize (list: { issuerFingerprint: string, number: bigint, entries: Map<string, Date>, thisUpdate: Date, nextUpdate: Date }, subject: string): RevocationSummary {
  return {
    issuer: list.issuerFingerprint,
    subject,
    number: list.number.toString(),
    revoked: [...list.entries.keys()],
    thisUpdate: list.thisUpdate.toISOString(),
    nextUpdate: list.nextUpdate.toISOString()
  }
}
