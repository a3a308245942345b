import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ConsensusVerifier } from '../../consensus/index.ts'
import { verifyMeshRoot } from '../../trust/index.ts'
import type { Operation } from '../../consensus/index.ts'
import type { CommandRun } from '../context.ts'

/** A bundle file holds raw CBOR or its base64 (what `proof make` prints). */
function bundleBytes (file: Buffer): Uint8Array {
  const text = file.toString('latin1').trim()
  return /^[A-Za-z0-9+/]+=*$/.test(text) ? new Uint8Array(Buffer.from(text, 'base64')) : new Uint8Array(file)
}

/**
 * `hypermesh proof verify FILE --op OP --digest DIGEST --node PEERID`: checks a bundle offline
 * against the mesh root (its anchors' signatures are checked first). Each failure is the
 * verifier's named error. A single run has no replay memory; a daemon's verifier has.
 */
export const run: CommandRun = async (ctx, [file], opts) => {
  const rootPath = opts.meshRoot ?? join(ctx.global.dataDir, 'trust', 'mesh-root.json')
  const meshRoot = verifyMeshRoot(JSON.parse(await readFile(rootPath, 'utf8')))
  const bytes = bundleBytes(await readFile(file))
  const started = performance.now()
  const result = new ConsensusVerifier(meshRoot.signed).verify(bytes, { op: opts.op as Operation, digest: opts.digest, node: opts.node })
  const ms = Math.round((performance.now() - started) * 100) / 100
  ctx.out.result({ valid: true, ...result, ms }, `valid ${result.op} proof for ${result.digest} by ${result.node} (epoch ${result.epoch}, stake ${result.stakeAmount}, ${ms} ms)`)
}
