import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx, [key], opts) => {
  const q = new URLSearchParams({ key, ...(opts.local === true ? { local: 'true' } : {}) })
  const r = await (await ctx.api()).request<{ value: string }>('GET', `/api/v1/dht/get?${q.toString()}`)
  ctx.out.result(r, () => r.value)
}
