import { hashFields, str, u64 } from './encoding.ts'

/** The critical operations that need a consensus proof. */
export const OPERATIONS = ['publish', 'install', 'deploy', 'invoke'] as const
export type Operation = typeof OPERATIONS[number]

/** What a proof is bound to (SPEC.md §3): every proof is derived from its hash. */
export interface ConsensusContext {
  op: Operation
  /** The package or record digest the operation is about (e.g. a CID string). */
  digest: string
  /** The prover's PeerId. */
  node: string
  epoch: number
  beacon: Uint8Array
  trustRootId: string
  paramsId: string
}

export function contextHash (ctx: ConsensusContext): Uint8Array {
  return hashFields('context', str(ctx.op), str(ctx.digest), str(ctx.node), u64(ctx.epoch), ctx.beacon, str(ctx.trustRootId), str(ctx.paramsId))
}
