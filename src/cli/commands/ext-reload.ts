import { resolve } from 'node:path'
import { EXTENSIONS_API, extensionLine } from './ext-format.ts'
import type { ExtensionInfo } from '../../extension-manager/index.ts'
import type { CommandRun } from '../context.ts'

/** `ext reload ID [--dir DIR]`: hot reload with state handover; the old version comes back if the new one fails. */
export const run: CommandRun = async (ctx, [id], opts) => {
  const body = typeof opts.dir === 'string' ? { dir: resolve(opts.dir) } : {}
  const info = await (await ctx.api()).stream<ExtensionInfo>('POST', `${EXTENSIONS_API}/${encodeURIComponent(id)}/reload`, body, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(info, () => extensionLine(info))
}
