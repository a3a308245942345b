import { readFile } from 'node:fs/promises'
import { InvalidTrustRequestError } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'

interface Published { issuer: string, subject: string, number: string, revoked: string[], nextUpdate: string, acceptedBy: string[], rejectedBy: Array<{ peer: string, error: string }> }

/** `trust publish-crl CRL --issuer-cert PEM`: the daemon checks the list, applies it and puts it into the DHT. */
export const run: CommandRun = async (ctx, [crlFile], opts) => {
  if (typeof opts.issuerCert !== 'string') throw new InvalidTrustRequestError('--issuer-cert PEM is required (the CA that signed the list)')
  const body = { crl: await readFile(crlFile, 'utf8'), issuer: await readFile(opts.issuerCert, 'utf8') }
  const r = await (await ctx.api()).request<Published>('POST', '/api/v1/trust/revocations', body)
  ctx.out.result(r, () => `revocation list #${r.number} of ${r.subject}: ${r.revoked.length} revoked, stored by ${r.acceptedBy.length} peer(s)` +
    (r.rejectedBy.length > 0 ? `, refused by ${r.rejectedBy.length}: ${r.rejectedBy[0].error}` : ''))
}
