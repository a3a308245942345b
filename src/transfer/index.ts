/**
 * STOQ, the HyperMesh transfer protocol (protocols/stoq/SPEC.md): a libp2p service that serves
 * blocks from the chunk store and fetches content roots (or manifests and their roots) from many
 * providers at once, verifying every chunk before it is written and resuming from what is stored.
 *
 * ```ts
 * const node = await createLibp2p({ ..., services: { stoq: stoq({ store }) } })
 * await node.services.stoq.fetch(root, { providers: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3…'], onProgress })
 * ```
 */
import { Stoq } from './stoq.ts'
import type { StoqComponents, StoqInit } from './stoq.ts'

export { Stoq, UnsupportedCidError, NoContentRoutingError } from './stoq.ts'
export type { StoqInit, StoqComponents, FetchOptions, FetchResult } from './stoq.ts'
export type { StoqFetchProgress } from './progress.ts'
export type { AdmissionHook, AdmissionRequest } from './provider.ts'
export * from './errors.ts'
export * from './constants.ts'
/** Noise crypto reusing cipher key objects: `noise({ crypto: fastNoiseCrypto })` (wire-compatible). */
export { fastNoiseCrypto } from './noise-crypto.ts'
/** The node's Noise: fastNoiseCrypto, small pieces of a secured write joined, spanning messages decrypted in place (wire-compatible): `connectionEncrypters: [fastNoise()]`. */
export { fastNoise } from './noise-framing.ts'
/** Waits for a v3 stream's 'drain' after `send` returned false. */
export { drained as waitForDrain } from './stream-io.ts'

/** The service factory: `services: { stoq: stoq({ store }) }`. */
export function stoq (init: StoqInit): (components: StoqComponents) => Stoq {
  return (components) => new Stoq(components, init)
}
