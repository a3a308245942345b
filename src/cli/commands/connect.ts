import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx, [addr]) => {
  const conn = await (await ctx.api()).request<{ peerId: string, transport: string, address: string }>('POST', '/api/v1/connect', { multiaddr: addr })
  ctx.out.result(conn, () => `connected to ${conn.peerId} over ${conn.transport} (${conn.address})`)
}
