import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx) => {
  const r = await (await ctx.api()).request('POST', '/api/v1/shutdown')
  ctx.out.result(r, 'daemon stopping')
}
