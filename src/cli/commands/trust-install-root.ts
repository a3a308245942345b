import { readFile } from 'node:fs/promises'
import { installMeshRoot } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'

/**
 * `hypermesh trust install-root FILE`: installs a mesh root in the data dir. The first root is
 * taken as shipped; a later one must be a valid rotation (next version, signed by the threshold
 * of the installed root's keys); an older one is refused.
 */
export const run: CommandRun = async (ctx, [file]) => {
  const root = await installMeshRoot(ctx.global.dataDir, await readFile(file, 'utf8'))
  const result = { meshId: root.signed.meshId, version: root.signed.version, anchors: root.signed.anchors.length, expires: root.signed.expires }
  ctx.out.result(result, () => `mesh root ${result.meshId} v${result.version} installed (${result.anchors} anchor(s), expires ${result.expires})`)
}
