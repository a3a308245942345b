import { z } from 'zod'
import { decodeBundle } from './bundle.ts'
import { BundleMalformedError } from './errors.ts'
import { OPERATIONS } from './context.ts'
import { LIMITS, peerId } from './schema.ts'
import type { ConsensusService } from './consensus-service.ts'
import type { VerifiedBundle } from './verifier.ts'
import type { OperationOptions } from '../util/progress.ts'

/**
 * The control-API contract of the consensus commands, so the daemon's routes stay one line each:
 * `POST /api/v1/consensus/proofs` {op, digest} → ProofResult (NDJSON progress while proving);
 * `POST /api/v1/consensus/verify` {bundle (base64), op, digest, node} → VerifiedBundle.
 */

const operation = z.enum(OPERATIONS)
const digest = z.string().min(1).max(LIMITS.digestChars)

export const proofRequestSchema = z.strictObject({ op: operation, digest })
export const verifyRequestSchema = z.strictObject({ bundle: z.string().max(Math.ceil(LIMITS.bundleBytes / 3) * 4), op: operation, digest, node: peerId })

export interface ProofResult {
  /** The bundle, base64. */
  bundle: string
  op: string
  digest: string
  node: string
  epoch: number
}

/** Makes a proof for a control-API request body; a malformed body is a BundleMalformedError (HTTP 400). */
export async function proofForRequest (service: ConsensusService, body: unknown, options: OperationOptions = {}): Promise<ProofResult> {
  const parsed = proofRequestSchema.safeParse(body)
  if (!parsed.success) throw new BundleMalformedError(`proof request: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const bytes = await service.prove(parsed.data, options)
  const bundle = decodeBundle(bytes)
  return { bundle: Buffer.from(bytes).toString('base64'), op: bundle.op, digest: bundle.digest, node: bundle.node, epoch: bundle.epoch }
}

/** Verifies a bundle sent to the control API with the node's verifier (and its replay cache). */
export function verifyForRequest (service: ConsensusService, body: unknown): VerifiedBundle {
  const parsed = verifyRequestSchema.safeParse(body)
  if (!parsed.success) throw new BundleMalformedError(`verify request: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const { bundle, ...expected } = parsed.data
  return service.verify(new Uint8Array(Buffer.from(bundle, 'base64')), expected)
}
