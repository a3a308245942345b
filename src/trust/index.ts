/**
 * TrustChain: who published a package, and is it the one they published.
 *
 * X.509 v3 Ed25519 certificates (root → intermediates → publisher, plus node certificates that
 * bind a libp2p PeerId), DSSE signature envelopes over a manifest's canonical bytes, X.509 CRLs
 * for revocation, the mesh trust root (anchors, validators, genesis stake, consensus profile)
 * with TUF-style threshold rotation, and the update-attack defences later layers call.
 * Everything here is pure except store-file.ts and key-file.ts (the data dir). The formats and
 * the attack-by-attack checks are specified in protocols/trust/SPEC.md.
 */
export * from './errors.ts'
export { fingerprint, isFingerprint, FINGERPRINT_PREFIX } from './fingerprint.ts'
export {
  generateSigningKey, privateKeyToPem, parsePrivateKeyPem, publicKeyOf, rawPublicKey, publicKeyFromRaw
} from './keys.ts'
export type { SigningKeyPair } from './keys.ts'
export { writePrivateKeyFile, readPrivateKeyFile, writePostQuantumKeyFile, readPostQuantumKeyFile, KEY_FILE_MODE } from './key-file.ts'
export {
  generatePostQuantumKey, postQuantumKeyFromSeed, ML_DSA_65, ML_DSA_65_PUBLIC_KEY_LENGTH, ML_DSA_65_SIGNATURE_LENGTH
} from './post-quantum.ts'
export type { PostQuantumKey } from './post-quantum.ts'
export {
  parseCertificate, parseCertificateBundle, pemToDerList, derToPem, MAX_CERTIFICATE_BYTES
} from './certificate.ts'
export type { TrustCertificate, CertificateRole } from './certificate.ts'
export { SCOPE_OID, NODE_OID, PQ_KEY_OID, HYPERMESH_OID_ARC, nameInScope, capabilitiesOutsideScope, scopeWithin } from './extensions.ts'
export type { Scope, NodeBinding } from './extensions.ts'
export {
  issueCertificate, issueRoot, issueIntermediate, issuePublisher, issueNodeCertificate, publicKeyFromPeerId,
  ROOT_VALIDITY_DAYS, INTERMEDIATE_VALIDITY_DAYS, PUBLISHER_VALIDITY_DAYS, NODE_VALIDITY_DAYS, DEFAULT_NODE_LEVEL
} from './issue.ts'
export type { Issuer, CertificateRequest, IssueOptions } from './issue.ts'
export { verifyChain, MAX_CHAIN_DEPTH } from './chain.ts'
export type { ChainContext, VerifiedChain } from './chain.ts'
export {
  issueRevocationList, parseRevocationList, revocationListToPem, RevocationStore, REVOCATION_LIST_VALIDITY_DAYS, REVOCATION_REASONS
} from './revocation.ts'
export type { RevocationList, RevocationEntry, RevocationReason } from './revocation.ts'
export {
  revocationKey, encodeRevocationRecord, verifyRevocationRecord, REVOCATION_NAMESPACE, MAX_REVOCATION_RECORD_BYTES
} from './revocation-record.ts'
export type { VerifiedRevocationRecord } from './revocation-record.ts'
export { pae, parseEnvelope, envelopeSchema, MAX_SIGNATURES } from './envelope.ts'
export type { Envelope, EnvelopeSignature } from './envelope.ts'
export { signPackage, verifyPackageSignature, MANIFEST_PAYLOAD_TYPE } from './package-signature.ts'
export type { VerifyPackageParams, VerifiedPackageSignature } from './package-signature.ts'
export { verifyNodeCertificate } from './node-identity.ts'
export type { VerifiedNodeCertificate } from './node-identity.ts'
export { TrustStore } from './trust-store.ts'
export {
  meshRootSchema, meshRootBodySchema, validatorSchema, stakeSchema, parseMeshRoot, signMeshRoot, createMeshRoot,
  verifyMeshRoot, updateMeshRoot, defaultValidatorThreshold, totalValidatorWeight, isEd25519PeerId,
  MESH_ROOT_TYPE, MESH_ROOT_PAYLOAD_TYPE, CONSENSUS_PROFILES, MESH_ROOT_VALIDITY_DAYS
} from './mesh-root.ts'
export type { MeshRoot, MeshRootBody, Validator, StakeAllocation, ConsensusProfile, RootSigner, CreateMeshRootParams } from './mesh-root.ts'
export {
  HighWaterMarks, checkNotExpired, checkWithinSize, limitToSignedSize, checkDigestBinding, checkSoftwareBinding, checkRecord
} from './defences.ts'
export type { Version, RecordFacts } from './defences.ts'
export { canonicalJson, canonicalJsonBytes } from './canonical-json.ts'
export {
  loadTrust, installMeshRoot, saveAnchor, saveRevocationList, saveHighWaterMarks, TRUST_DIR, MESH_ROOT_FILE
} from './store-file.ts'
export type { LoadedTrust } from './store-file.ts'
