import { writeFile } from 'node:fs/promises'
import { OPERATIONS } from '../../consensus/index.ts'
import { HyperMeshError } from '../../util/errors.ts'
import type { ProofResult } from '../../consensus/index.ts'
import type { CommandRun } from '../context.ts'

/** `--op` is not one of the operations that take a consensus proof. */
export class InvalidOperationError extends HyperMeshError {}

/**
 * `hypermesh proof make --op OP --digest DIGEST`: the daemon collects the epoch beacon and its
 * stake certificate from the validators, makes the bundle with its plot, and returns it
 * (base64); `--out FILE` writes the raw bundle.
 */
export const run: CommandRun = async (ctx, _args, opts) => {
  if (!(OPERATIONS as readonly string[]).includes(opts.op)) {
    throw new InvalidOperationError(`unknown operation ${String(opts.op)}`, { hint: `use one of ${OPERATIONS.join(', ')}` })
  }
  const api = await ctx.api()
  const result = await api.stream<ProofResult>('POST', '/api/v1/consensus/proofs', { op: opts.op, digest: opts.digest }, line => { ctx.out.progress(line) })
  ctx.out.done()
  if (opts.out != null) await writeFile(opts.out, Buffer.from(result.bundle, 'base64'))
  const bytes = Buffer.from(result.bundle, 'base64').byteLength
  ctx.out.result({ ...result, out: opts.out, bytes }, opts.out != null
    ? `${result.op} proof for ${result.digest} (epoch ${result.epoch}, ${bytes} bytes) written to ${opts.out}`
    : result.bundle)
}
