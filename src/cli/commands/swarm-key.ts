import { copyFile, writeFile } from 'node:fs/promises'
import { generateKey } from '@libp2p/pnet'
import { dataDirPaths, readSwarmKey } from '../../node/index.ts'
import { HyperMeshError } from '../../util/errors.ts'
import type { CommandRun } from '../context.ts'

/** The file given to `swarm-key install` is not a swarm key. */
export class InvalidSwarmKeyError extends HyperMeshError {}

/** Size of a `/key/swarm/psk/1.0.0/` file: header lines plus 64 hex digits. */
const SWARM_KEY_BYTES = 95

/**
 * `swarm-key generate [--out FILE]` makes a pre-shared key for a private network;
 * `swarm-key install FILE` puts it in the data dir (restart the daemon to take effect).
 */
export const run: CommandRun = async (ctx, [action, file], opts) => {
  if (action === 'generate') {
    const key = new Uint8Array(SWARM_KEY_BYTES)
    generateKey(key)
    const out = typeof opts.out === 'string' ? opts.out : dataDirPaths(ctx.global.dataDir).swarmKey
    await writeFile(out, key, { mode: 0o600, flag: 'wx' })
    ctx.out.result({ written: out }, `swarm key written to ${out}; give the same file to every node of the private network`)
    return
  }
  if (action === 'install' && typeof file === 'string') {
    const target = dataDirPaths(ctx.global.dataDir).swarmKey
    await copyFile(file, target)
    if (await readSwarmKey(ctx.global.dataDir).catch(() => undefined) == null) {
      throw new InvalidSwarmKeyError(`${file} is not a swarm key`, { hint: 'make one with `hypermesh swarm-key generate`' })
    }
    ctx.out.result({ installed: target }, `installed ${target}; restart the daemon to join the private network`)
    return
  }
  throw new InvalidSwarmKeyError(`unknown action "${String(action)}"`, { hint: 'use `swarm-key generate [--out FILE]` or `swarm-key install FILE`' })
}
