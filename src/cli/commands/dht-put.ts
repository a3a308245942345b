import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx, [key, value]) => {
  const r = await (await ctx.api()).request<{ acceptedBy: string[], rejectedBy: unknown[] }>('POST', '/api/v1/dht/put', { key, value })
  ctx.out.result(r, () => `stored "${key}" on ${r.acceptedBy.length} peer(s)`)
}
