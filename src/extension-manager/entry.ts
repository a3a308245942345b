import type { DiscoveredExtension } from './discovery.ts'
import type { Grant } from './capabilities.ts'
import type { Activation } from './capability-router.ts'
import type { HostCallOptions } from './host/host-process.ts'
import type { WireError } from './host/protocol.ts'
import type { Semaphore } from './semaphore.ts'
import type { ExtensionInfo, ExtensionState } from './types.ts'

/** What the manager knows about one extension, whatever its state. */
export interface Entry {
  pkg: DiscoveredExtension
  state: ExtensionState
  grant?: Grant
  activation?: Activation
  inbound?: Semaphore
  /**
   * The host-call options of a call into the extension without a caller signal (the inbound
   * slot's release, the default timeout): made with the semaphore, not at every call.
   */
  inboundOptions?: HostCallOptions
  exports: string[]
  operations: Map<string, string[]>
  loading?: Promise<void>
  /** Set by unloadExtension(): the extension stays stopped until loaded explicitly. */
  disabled: boolean
  /**
   * Set by recheckTrust() when the package's signature no longer verifies (its publisher or an
   * issuer was revoked): the extension stays stopped, and loading it checks the signature again.
   */
  untrusted?: { name: string, message: string }
  restarts: number
  startedAt: number
  restartTimer?: NodeJS.Timeout
  lastError?: WireError
}

export function newEntry (pkg: DiscoveredExtension): Entry {
  return { pkg, state: 'discovered', exports: [], operations: new Map(), disabled: false, restarts: 0, startedAt: 0 }
}

/** The plain-JSON view of an entry. */
export function toInfo (entry: Entry): ExtensionInfo {
  const m = entry.pkg.manifest
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    category: m.category,
    dir: entry.pkg.dir,
    digest: entry.pkg.digest,
    state: entry.state,
    requestedCapabilities: [...m.required_capabilities],
    grantedCapabilities: [...entry.grant?.granted ?? []],
    deniedCapabilities: [...entry.grant?.denied ?? []],
    providedAssets: [...m.provided_assets],
    dependencies: m.dependencies.map(d => ({ ...d })),
    publisher: entry.pkg.publisher,
    quotas: entry.activation?.quotas,
    restarts: entry.restarts,
    inFlight: entry.inbound?.inFlight ?? 0,
    lastError: entry.lastError,
    ...(entry.untrusted !== undefined ? { untrusted: entry.untrusted } : {})
  }
}

/**
 * `promise`, or `onTimeout()`'s error after `ms`. The timer is cleared as soon as the promise
 * settles: at thousands of calls per second, uncleared timers (AbortSignal.timeout) pile up.
 */
export async function raceTimeout<T> (promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(onTimeout()) }, ms)
  })
  try {
    return await Promise.race([promise, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
