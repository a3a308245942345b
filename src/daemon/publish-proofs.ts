import { ConsensusVerifier, createCaches, decodeBundle } from '../consensus/index.ts'
import type { ConsensusService, ConsensusTrustRoot, PreparedTrustRoot } from '../consensus/index.ts'
import type { PublishProofs } from '../registry/index.ts'

/**
 * The registry's publish proofs from consensus: `prove` makes a `publish` bundle (the consensus
 * service's prover), `verify` checks one as of its version's publication time. Checks use a
 * verifier of their own: checking the same bundle again (another fetch) is not a replay of the
 * operation it proves.
 */
export function publishProofs (consensus: { root: ConsensusTrustRoot | PreparedTrustRoot, prove: ConsensusService['prove'] }): PublishProofs {
  const verifier = new ConsensusVerifier(consensus.root, { caches: createCaches() })
  return {
    prove: async (digest, options) => consensus.prove({ op: 'publish', digest }, options),
    verify: (bundle, digest, at) => {
      // the proving node is whoever made the bundle; the record's signature vouches for it
      verifier.verify(bundle, { op: 'publish', digest, node: decodeBundle(bundle).node }, { now: at.getTime() })
    }
  }
}
