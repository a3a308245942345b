/**
 * The two parameter profiles. The mesh's trust root names one (`consensus.profile`); the
 * verifier takes every difficulty from here, never from the prover. Each set has an `id` that
 * is hashed into every context, so a proof made under one profile never verifies under another.
 */
export type ProfileName = 'test' | 'production'

export interface ConsensusParams {
  /** Bound into every context hash and plot seed. */
  readonly id: string
  readonly profile: ProfileName
  /** Length of one epoch; each epoch has its own beacon, so a proof lives about two epochs. */
  readonly epochMs: number
  /** How far apart two honest clocks may be. */
  readonly clockSkewMs: number
  /** Leading zero bits the work hash must have. */
  readonly workBits: number
  /** T: sequential squarings in the VDF. */
  readonly vdfIterations: number
  /** Size of the Fiat–Shamir prime l of the Wesolowski proof. */
  readonly vdfPrimeBits: number
  /** log2 of the number of labels in a plot. */
  readonly plotLog2Labels: number
  /** Earlier labels (besides the predecessor) each label depends on. */
  readonly plotParents: number
  /** k: Merkle openings carried by every bundle. */
  readonly spaceOpenings: number
  /** K: full openings (with parents) checked once, when a plot is registered with validators. */
  readonly registrationOpenings: number
  /** Least stake a node must hold for its proofs to count. */
  readonly minStake: number
  /** Longest validity a stake certificate may have. */
  readonly maxCertificateValidityMs: number
}

/** One minute: short enough that a proof goes stale quickly, long enough for a production prove. */
const EPOCH_MS = 60_000
/** Five seconds of clock skew between honest nodes. */
const CLOCK_SKEW_MS = 5_000
/** The issue caps stake certificates at one day. */
const ONE_DAY_MS = 86_400_000

/** Fast enough for unit tests on two CI cores: a prove takes tens of milliseconds. */
export const TEST_PARAMS: ConsensusParams = Object.freeze({
  id: 'hypermesh-consensus/test/v1',
  profile: 'test',
  epochMs: EPOCH_MS,
  clockSkewMs: CLOCK_SKEW_MS,
  workBits: 10,
  vdfIterations: 2 ** 12,
  vdfPrimeBits: 128,
  plotLog2Labels: 10,
  plotParents: 5,
  spaceOpenings: 8,
  registrationOpenings: 32,
  minStake: 1,
  maxCertificateValidityMs: ONE_DAY_MS
})

/**
 * Sized for the targets on one core of this machine: prove < 10 s (VDF ≈ 9 µs per
 * squaring, work ≈ 1.7 µs per hash), verify p95 < 25 ms (one 256-bit-prime VDF check dominates).
 */
export const PRODUCTION_PARAMS: ConsensusParams = Object.freeze({
  id: 'hypermesh-consensus/production/v1',
  profile: 'production',
  epochMs: EPOCH_MS,
  clockSkewMs: CLOCK_SKEW_MS,
  workBits: 20,
  vdfIterations: 2 ** 18,
  vdfPrimeBits: 256,
  plotLog2Labels: 18,
  plotParents: 5,
  spaceOpenings: 32,
  registrationOpenings: 128,
  minStake: 100,
  maxCertificateValidityMs: ONE_DAY_MS
})

export const PROFILES: Readonly<Record<ProfileName, ConsensusParams>> = Object.freeze({
  test: TEST_PARAMS,
  production: PRODUCTION_PARAMS
})

export function paramsFor (profile: ProfileName): ConsensusParams {
  const params = PROFILES[profile]
  if (params == null) throw new TypeError(`unknown consensus profile ${String(profile)}`)
  return params
}
