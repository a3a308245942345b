import { readFile, writeFile } from 'node:fs/promises'
import {
  InvalidTrustRequestError, issueRevocationList, parseCertificateBundle, parseRevocationList, REVOCATION_REASONS
} from '../../trust/index.ts'
import type { RevocationEntry, RevocationReason } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { intOption, readIssuer } from './trust-shared.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * `hypermesh trust revoke SERIAL|CERT... --issuer-cert --issuer-key --out FILE`: adds the
 * certificates (by serial or certificate file) to the issuer's revocation list in --out. An
 * existing list there is kept (its entries stay) and the new list gets the next CRL number.
 */
export const run: CommandRun = async (ctx, targets, opts) => {
  if (targets.length === 0) throw new InvalidTrustRequestError('name at least one serial number or certificate file to revoke')
  if (opts.out === undefined) throw new InvalidTrustRequestError('--out FILE is required (the issuer\'s revocation list, created or updated)')
  const issuer = await readIssuer(opts.issuerCert, opts.issuerKey)
  const reason = String(opts.reason ?? 'keyCompromise') as RevocationReason
  if (!REVOCATION_REASONS.includes(reason)) throw new InvalidTrustRequestError(`--reason ${reason}: expected one of ${REVOCATION_REASONS.join(', ')}`)
  const out = String(opts.out)

  let previous
  try {
    previous = parseRevocationList(await readFile(out, 'utf8'), issuer.certificate)
  } catch (err: any) {
    if (err.code !== 'ENOENT') throw err
  }
  const now = new Date()
  const entries = new Map<string, RevocationEntry>()
  for (const [serialNumber, revocationDate] of previous?.entries ?? []) entries.set(serialNumber, { serialNumber, revocationDate })
  for (const target of targets) {
    const serials = /^[0-9a-fA-F]+$/.test(target) ? [target.toLowerCase()] : parseCertificateBundle(await readFile(target, 'utf8')).slice(0, 1).map(c => c.serialNumber)
    if (serials.length === 0) throw new InvalidTrustRequestError(`${target}: neither a hex serial number nor a certificate file`)
    for (const serialNumber of serials) if (!entries.has(serialNumber)) entries.set(serialNumber, { serialNumber, revocationDate: now, reason })
  }
  const nextUpdateDays = intOption(opts.nextUpdateDays, '--next-update-days')
  const list = await issueRevocationList({
    issuer,
    number: (previous?.number ?? 0n) + 1n,
    entries: [...entries.values()],
    thisUpdate: now,
    nextUpdate: nextUpdateDays === undefined ? undefined : new Date(now.getTime() + nextUpdateDays * DAY_MS)
  })
  await writeFile(out, list.pem)
  const result = { file: out, issuer: list.issuerFingerprint, number: list.number.toString(), revoked: [...list.entries.keys()], nextUpdate: list.nextUpdate.toISOString() }
  ctx.out.result(result, () => `revocation list #${result.number} of ${issuer.certificate.subject}: ${result.revoked.length} revoked, next update ${result.nextUpdate}\n  ${out}`)
}
