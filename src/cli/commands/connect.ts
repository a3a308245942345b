import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx, [addr], opts) => {
  const conn = await (await ctx.api()).request<{ peerId: string, transport: string, address: string }>('POST', '/api/v1/connect', { multiaddr: addr, force: opts.force === true })
  ctx.out.result(conn, () => `connected to ${conn.peerId} over ${conn.transport} (${conn.address})`)
}
