import { EXTENSIONS_API } from './ext-format.ts'
import type { CommandRun } from '../context.ts'

/** `ext call ID METHOD [JSON_ARGS...]`: one request to a running (or lazily loaded) extension. */
export const run: CommandRun = async (ctx, [id, method, ...rawArgs]) => {
  const args = rawArgs.map(a => { try { return JSON.parse(a) } catch { return a } })
  const { result } = await (await ctx.api()).request<{ result: unknown }>('POST', `${EXTENSIONS_API}/${encodeURIComponent(id)}/call`, { method, args })
  ctx.out.result(result, () => typeof result === 'string' ? result : JSON.stringify(result, null, 2))
}
