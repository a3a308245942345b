import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx) => {
  const { peers } = await (await ctx.api()).request<{ peers: Array<{ peerId: string, address: string, transport: string, direction: string }> }>('GET', '/api/v1/peers')
  ctx.out.result({ peers }, () => peers.length === 0
    ? 'no peers connected'
    : peers.map(p => `${p.peerId}  ${p.transport.padEnd(5)} ${p.direction.padEnd(8)} ${p.address}`).join('\n'))
}
