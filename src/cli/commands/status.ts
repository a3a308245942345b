import type { CommandRun } from '../context.ts'

export const run: CommandRun = async (ctx) => {
  const s = await (await ctx.api()).request<any>('GET', '/api/v1/status')
  ctx.out.result(s, () => [
    `peer id:     ${s.peerId}`,
    `version:     ${s.version}`,
    `status:      ${s.status}, up ${s.uptimeSeconds}s`,
    `connections: ${s.connections} (${s.peers} peers)`,
    `dht:         ${s.dht.mode} on ${s.dht.protocol}`
  ].join('\n'))
}
