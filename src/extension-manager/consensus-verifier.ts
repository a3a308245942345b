import type { ConsensusVerifier, Operation } from '../consensus/index.ts'
import type { ProofVerifier } from './verifiers.ts'

/** The consensus operation each critical extension-manager operation is proven as. */
export const PROOF_OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze({
  install: 'install',
  installPackage: 'install',
  deployAsset: 'deploy'
})

/**
 * The Consensus area's verifier as the extension manager's ProofVerifier: a proof is a bundle
 * (bytes, or base64 text as it arrives in JSON) that must be for this operation, this package
 * digest and this node (`nodeId`, the local PeerId), in the current epoch, never seen before.
 */
export function consensusProofVerifier (verifier: Pick<ConsensusVerifier, 'verify'>, nodeId: string): ProofVerifier {
  return {
    async verify (proof, binding) {
      const op = PROOF_OPERATIONS[binding.operation] ?? binding.operation as Operation
      const bytes = typeof proof === 'string' ? Buffer.from(proof, 'base64') : proof
      if (!(bytes instanceof Uint8Array)) throw new TypeError('a consensus proof is bundle bytes or their base64 text')
      verifier.verify(bytes, { op, digest: binding.packageDigest, node: nodeId })
    }
  }
}
