import { EXTENSIONS_API, extensionLine } from './ext-format.ts'
import type { ExtensionInfo } from '../../extension-manager/index.ts'
import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx, [id]) => {
  const info = await (await ctx.api()).stream<ExtensionInfo>('POST', `${EXTENSIONS_API}/${encodeURIComponent(id)}/load`, {}, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(info, () => extensionLine(info))
}
