import { EXTENSIONS_API, extensionLine } from './ext-format.ts'
import type { ExtensionInfo } from '../../extension-manager/index.ts'
import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx) => {
  const list = await (await ctx.api()).request<ExtensionInfo[]>('GET', EXTENSIONS_API)
  ctx.out.result(list, () => list.length === 0 ? 'no extensions installed' : list.map(extensionLine).join('\n'))
}
