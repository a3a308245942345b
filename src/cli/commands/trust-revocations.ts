import type { CommandRun } from '../context.ts'

interface Held { issuer: string, subject: string, number: string, revoked: string[], nextUpdate: string }

/** `trust revocations`: the newest revocation list per issuer that this node applies. */
export const run: CommandRun = async (ctx) => {
  const r = await (await ctx.api()).request<{ revocations: Held[] }>('GET', '/api/v1/trust/revocations')
  ctx.out.result(r, () => r.revocations.length === 0
    ? 'no revocation lists held'
    : r.revocations.map(l => `${l.subject}  #${l.number}  ${l.revoked.length} revoked  next update ${l.nextUpdate}\n  ${l.issuer}`).join('\n'))
}
