import { logger } from '@libp2p/logger'
import { CapabilityDeniedError, ConcurrencyQuotaExceededError, UnknownOperationError } from './errors.ts'
import { toWire } from './host/protocol.ts'
import type { AssetManager } from '../assets/index.ts'
import type { Outcome } from './host/protocol.ts'
import type { ExtensionPersistence } from './persistence.ts'
import type { ExtensionQuotas } from './quotas.ts'
import type { Semaphore } from './semaphore.ts'
import type { TokenBucket } from './token-bucket.ts'

/** One running extension as the router sees it: its fixed grants and its live quota counters. */
export interface Activation {
  readonly id: string
  readonly granted: ReadonlySet<string>
  readonly quotas: Readonly<ExtensionQuotas>
  readonly outbound: Semaphore
  readonly bandwidth: TokenBucket
}

export type CapabilityOperation = (caller: Activation, ...args: any[]) => Promise<unknown>

/** The host functions behind one capability, by operation name. */
export type CapabilityProvider = Record<string, CapabilityOperation>

/** Where NetworkAccess sends bytes (the node's transport); the router meters them first. */
export interface NetworkSink {
  send: (from: string, to: string, bytes: Uint8Array) => Promise<void>
}

/** Services every extension has on its own data without a grant: they reach nothing outside it. */
export const SELF_SERVICES: readonly string[] = ['Storage', 'Log']

export interface RouterComponents {
  assets: AssetManager
  persistence: ExtensionPersistence
  network?: NetworkSink
  /** Host functions for the other capabilities (ContainerManagement, VMExecution, …), supplied by the node. */
  providers?: Record<string, CapabilityProvider>
}

/**
 * Decides and runs every capability call an extension makes: the grant first, then the
 * concurrent-operations quota, then the operation with its own quota (storage bytes,
 * network bytes/s). Failures come back as `{ name, message }` for the isolate.
 */
export class CapabilityRouter {
  readonly #providers: Record<string, CapabilityProvider>

  constructor (components: RouterComponents) {
    this.#providers = { ...components.providers, ...builtInProviders(components) }
  }

  async dispatch (caller: Activation, capability: string, operation: string, args: unknown[]): Promise<Outcome> {
    try {
      if (!SELF_SERVICES.includes(capability) && !caller.granted.has(capability)) {
        throw new CapabilityDeniedError(caller.id, capability)
      }
      const provider = this.#providers[capability]
      if (provider == null || !Object.hasOwn(provider, operation)) throw new UnknownOperationError(capability, operation)
      if (!caller.outbound.tryAcquire()) throw new ConcurrencyQuotaExceededError(caller.id, caller.outbound.limit)
      try {
        return { ok: true, value: await provider[operation](caller, ...args) }
      } finally {
        caller.outbound.release()
      }
    } catch (err) {
      return { ok: false, error: toWire(err) }
    }
  }
}

function builtInProviders ({ assets, persistence, network }: RouterComponents): Record<string, CapabilityProvider> {
  const providers: Record<string, CapabilityProvider> = {
    Log: {
      write: async (caller, message: unknown) => { logger(`hypermesh:extension:${caller.id}`)('%s', String(message)) }
    },
    Storage: {
      get: async (caller, key: string) => await persistence.get(caller.id, key),
      put: async (caller, key: string, value: Uint8Array | string) => {
        const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value
        if (!(bytes instanceof Uint8Array)) throw new TypeError('storage values are Uint8Arrays or strings')
        return await persistence.put(caller.id, key, bytes, caller.quotas.storageBytes)
      },
      delete: async (caller, key: string) => await persistence.delete(caller.id, key),
      usage: async (caller) => ({ used: await persistence.usage(caller.id), quota: caller.quotas.storageBytes })
    },
    AssetManagement: {
      create: async (_caller, type: string, spec: unknown, metadata?: Record<string, unknown>) => await assets.create(type, spec, { metadata }),
      get: async (_caller, id: string) => await assets.get(id),
      list: async (_caller, filter?: { type?: string, owner?: string }) => await assets.list(filter),
      update: async (_caller, id: string, patch: unknown) => await assets.update(id, patch),
      delete: async (_caller, id: string) => { await assets.delete(id) }
    }
  }
  if (network != null) {
    providers.NetworkAccess = {
      send: async (caller, to: string, bytes: Uint8Array) => {
        if (!(bytes instanceof Uint8Array)) throw new TypeError('network.send takes a Uint8Array')
        await caller.bandwidth.take(bytes.byteLength)
        await network.send(caller.id, String(to), bytes)
        return bytes.byteLength
      }
    }
  }
  return providers
}
