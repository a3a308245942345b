import { EXTENSIONS_API, extensionDetails } from './ext-format.ts'
import type { ExtensionInfo } from '../../extension-manager/index.ts'
import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx, [id]) => {
  const info = await (await ctx.api()).request<ExtensionInfo>('GET', `${EXTENSIONS_API}/${encodeURIComponent(id)}`)
  ctx.out.result(info, () => extensionDetails(info))
}
