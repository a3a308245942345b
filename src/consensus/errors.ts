import { HyperMeshError } from '../util/errors.ts'

/**
 * One class per way a consensus proof can fail. The verifier throws the first failure it finds
 * (cheapest check first), so a caller branches on `err.name` and a test pins each name.
 */
export class ConsensusError extends HyperMeshError {}

// Schema, identifiers and parameters.
export class BundleMalformedError extends ConsensusError {}
export class ParamsMismatchError extends ConsensusError {}
export class TrustRootMismatchError extends ConsensusError {}
export class TrustRootInvalidError extends ConsensusError {}
export class OperationMismatchError extends ConsensusError {}
export class DigestMismatchError extends ConsensusError {}
export class NodeMismatchError extends ConsensusError {}
export class ContextMismatchError extends ConsensusError {}
export class InvalidPeerIdError extends ConsensusError {}

// Freshness and replay.
export class EpochFutureError extends ConsensusError {}
export class EpochStaleError extends ConsensusError {}
export class BundleReplayedError extends ConsensusError {}

// Beacon.
export class BeaconInvalidError extends ConsensusError {}
export class BeaconUnknownSignerError extends ConsensusError {}
export class BeaconDuplicateSignerError extends ConsensusError {}
export class BeaconThresholdNotMetError extends ConsensusError {}

// Work.
export class WorkBelowPolicyError extends ConsensusError {}
export class WorkInvalidError extends ConsensusError {}

// Time (VDF).
export class VdfIterationsMismatchError extends ConsensusError {}
export class VdfPrimeSizeMismatchError extends ConsensusError {}
export class VdfNonCanonicalError extends ConsensusError {}
export class VdfProofInvalidError extends ConsensusError {}

// Space.
export class SpaceOpeningInvalidError extends ConsensusError {}
export class PlotRootMismatchError extends ConsensusError {}
export class PlotOwnerMismatchError extends ConsensusError {}
export class PlotOpeningInvalidError extends ConsensusError {}
export class PlotParentInvalidError extends ConsensusError {}
export class PlotLabelInvalidError extends ConsensusError {}
export class PlotFileInvalidError extends ConsensusError {}
export class PlotFileMissingError extends ConsensusError {}

// Stake.
export class StakeNodeMismatchError extends ConsensusError {}
export class StakeValidityTooLongError extends ConsensusError {}
export class StakeCertificateExpiredError extends ConsensusError {}
export class StakeCertificateNotYetValidError extends ConsensusError {}
export class StakeBelowMinimumError extends ConsensusError {}
export class StakeAboveAllocationError extends ConsensusError {}
export class StakeUnknownSignerError extends ConsensusError {}
export class StakeDuplicateSignerError extends ConsensusError {}
export class StakeThresholdNotMetError extends ConsensusError {}
export class StakeSignatureInvalidError extends ConsensusError {}

// The node's own signature.
export class NodeSignatureInvalidError extends ConsensusError {}

// Validator protocol.
export class ValidatorRefusedError extends ConsensusError {}
export class ValidatorProtocolError extends ConsensusError {}
export class QuorumUnreachableError extends ConsensusError {}
