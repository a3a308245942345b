import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { verifyPackageSignature } from '../trust/index.ts'
import { SignatureRequiredError } from './errors.ts'
import type { ChainContext } from '../trust/index.ts'
import type { PublisherInfo, SignatureVerifier } from './verifiers.ts'

/** The signature envelope's file name beside manifest.json (a DSSE envelope, JSON). */
export const SIGNATURE_FILE = 'manifest.sig'

/** The trust level of a publisher whose chain reaches one of the node's anchors. */
export const VERIFIED_TRUST_LEVEL = 'verified'

/**
 * The TrustChain as the extension manager's SignatureVerifier: reads `manifest.sig`, and checks
 * binding, chain, validity, revocation, key usage, signature and scope (name and capabilities)
 * with verifyPackageSignature. The publisher's certificate scope caps what the policy grants.
 */
export function trustChainVerifier (trustStore: ChainContext): SignatureVerifier {
  return {
    async verifyPackage ({ dir, manifest, manifestBytes }): Promise<PublisherInfo> {
      let envelope: string
      try {
        envelope = await readFile(join(dir, SIGNATURE_FILE), 'utf8')
      } catch (err: any) {
        if (err.code === 'ENOENT') throw new SignatureRequiredError(manifest.id)
        throw err
      }
      const verified = verifyPackageSignature({
        bytes: manifestBytes,
        name: manifest.id,
        capabilities: manifest.required_capabilities,
        envelope,
        trustStore,
        fingerprint: manifest.certificate_fingerprint
      })
      return { fingerprint: verified.fingerprint, trustLevel: VERIFIED_TRUST_LEVEL, capabilityScope: verified.leaf.scope?.capabilities }
    }
  }
}
