import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx) => {
  const id = await (await ctx.api()).request<{ peerId: string, addresses: string[], agentVersion: string }>('GET', '/api/v1/id')
  ctx.out.result(id, () => [id.peerId, ...id.addresses.map(a => `  ${a}/p2p/${id.peerId}`)].join('\n'))
}
