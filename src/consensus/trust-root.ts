import { TrustRootInvalidError } from './errors.ts'
import { publicKeyOf } from './keys.ts'
import { paramsFor } from './params.ts'
import type { ConsensusParams, ProfileName } from './params.ts'

/**
 * What consensus needs from the mesh's trust root: structurally a subset of the trust area's
 * signed mesh-root body, so that body can be passed as is and this area imports none of it.
 */
export interface ConsensusTrustRoot {
  /** The mesh's id, hashed into every context, beacon and certificate. */
  meshId: string
  validators: Array<{ peerId: string, weight: number }>
  /** Least total validator weight a certificate or beacon needs; must exceed 2/3 of all weight. */
  threshold: number
  /** Genesis stake allocations. */
  stake: Array<{ peerId: string, amount: number }>
  consensus: { profile: ProfileName }
}

/** A trust root checked once and indexed for the verifier's lookups. */
export interface PreparedTrustRoot {
  readonly id: string
  readonly params: ConsensusParams
  readonly weights: ReadonlyMap<string, number>
  readonly threshold: number
  readonly totalWeight: number
  readonly allocations: ReadonlyMap<string, number>
}

const prepared = new WeakMap<ConsensusTrustRoot, PreparedTrustRoot>()

function fail (message: string): never {
  throw new TrustRootInvalidError(message, { hint: 'fix the consensus section of the mesh trust root' })
}

/** Checks the trust root (ids, weights, threshold > 2/3) and indexes it; cached per object. */
export function prepareTrustRoot (root: ConsensusTrustRoot | PreparedTrustRoot): PreparedTrustRoot {
  if ('weights' in root) return root
  const cached = prepared.get(root)
  if (cached != null) return cached
  if (typeof root.meshId !== 'string' || root.meshId.length === 0) fail('mesh id missing')
  const params = paramsFor(root.consensus?.profile)
  const weights = new Map<string, number>()
  for (const { peerId, weight } of root.validators ?? []) {
    publicKeyOf(peerId)
    if (!Number.isSafeInteger(weight) || weight <= 0) fail(`validator ${peerId} has weight ${weight}`)
    if (weights.has(peerId)) fail(`validator ${peerId} listed twice`)
    weights.set(peerId, weight)
  }
  const totalWeight = [...weights.values()].reduce((a, b) => a + b, 0)
  if (weights.size === 0) fail('no validators')
  if (!Number.isSafeInteger(root.threshold) || 3 * root.threshold <= 2 * totalWeight || root.threshold > totalWeight) {
    fail(`threshold ${root.threshold} must exceed 2/3 of the total weight ${totalWeight} and not exceed it`)
  }
  const allocations = new Map<string, number>()
  for (const { peerId, amount } of root.stake ?? []) {
    if (!Number.isSafeInteger(amount) || amount < 0) fail(`stake of ${peerId} is ${amount}`)
    allocations.set(peerId, (allocations.get(peerId) ?? 0) + amount)
  }
  const result: PreparedTrustRoot = { id: root.meshId, params, weights, threshold: root.threshold, totalWeight, allocations }
  prepared.set(root, result)
  return result
}
