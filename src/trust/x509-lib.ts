// @peculiar/x509 resolves its algorithm registry through tsyringe, which needs the Reflect
// metadata polyfill loaded first; every trust module imports x509 from here so the order holds.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(globalThis.crypto)

export { x509 }

/** The one signature algorithm of the TrustChain (protocols/trust/SPEC.md, "Why X.509 + Ed25519"). */
export const ED25519 = { name: 'Ed25519' } as const
