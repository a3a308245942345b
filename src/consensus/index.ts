/**
 * Consensus: the four-proof bundle (space, stake, work, time) that every critical operation
 * (publish, install, deploy, invoke) carries, its prover, and its pure verifier.
 *
 * - `makeBundle` builds a bundle from the node's key, plot, stake certificate and the epoch
 *   beacon; `ConsensusVerifier.verify` checks one without any network, cheapest check first,
 *   throwing one named error per failure (see errors.ts and protocols/consensus/SPEC.md).
 * - `createPlot` / `makeRegistration` make the node's plot and its one-time registration;
 *   validators check it with `verifyRegistration` before signing a stake certificate.
 * - `consensusService` is the libp2p service (`/hypermesh/consensus/1.0.0`): validators serve
 *   beacon shares and stake-certificate signatures; every node uses it to collect a threshold.
 */
export * from './errors.ts'
export { PROFILES, TEST_PARAMS, PRODUCTION_PARAMS, paramsFor } from './params.ts'
export type { ConsensusParams, ProfileName } from './params.ts'
export { OPERATIONS, contextHash } from './context.ts'
export type { Operation, ConsensusContext } from './context.ts'
export { prepareTrustRoot } from './trust-root.ts'
export type { ConsensusTrustRoot, PreparedTrustRoot } from './trust-root.ts'
export { epochAt, checkEpoch } from './epoch.ts'
export { beaconMessage, beaconValue, signBeaconShare, verifyBeacon } from './beacon.ts'
export type { SignatureShare } from './quorum.ts'
export { stakeCertificateDigest, signStakeCertificate, verifyStakeCertificate, checkStakeTerms } from './stake.ts'
export type { StakeCertificate, StakeCertificateBody } from './stake.ts'
export { createPlot } from './plot.ts'
export type { Plot, LabelOpening } from './plot.ts'
export { makeRegistration, verifyRegistration, encodeRegistration, decodeRegistration } from './plot-registration.ts'
export type { PlotRegistration } from './plot-registration.ts'
export { savePlot, loadPlot, defaultPlotPath } from './plot-file.ts'
export { decodeBundle, encodeBundle, bundleDigest } from './bundle.ts'
export type { ConsensusBundle } from './bundle.ts'
export { makeBundle } from './prove.ts'
export type { ProveInput } from './prove.ts'
export { ConsensusVerifier } from './verifier.ts'
export type { Expectation, VerifiedBundle, VerifierInit } from './verifier.ts'
export { createCaches, EpochSet } from './caches.ts'
export type { VerifierCaches } from './caches.ts'
export { consensusService, consensusInitFromTrustRoot, ConsensusService, REQUEST_TIMEOUT_MS } from './consensus-service.ts'
export type { ConsensusServiceInit, ConsensusServiceComponents, EpochBeacon, StakeRequestOptions, ProveRequest } from './consensus-service.ts'
export { PROTOCOL as CONSENSUS_PROTOCOL } from './protocol.ts'
export { Validator } from './validator.ts'
export { collectQuorum, askValidator } from './client.ts'
export { proofForRequest, verifyForRequest, proofRequestSchema, verifyRequestSchema } from './api.ts'
export type { ProofResult } from './api.ts'
