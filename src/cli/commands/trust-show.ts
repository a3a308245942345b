import { readFile } from 'node:fs/promises'
import { InvalidTrustRequestError, parseCertificateBundle, parseEnvelope, parseMeshRoot } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { describeCertificate, renderCertificate } from './trust-shared.ts'

/**
 * `hypermesh trust show FILE`: describes a certificate (or chain), a mesh root or a signature
 * envelope. It refuses private key files outright, so it can never print one.
 */
export const run: CommandRun = async (ctx, [file]) => {
  const text = await readFile(file, 'utf8')
  if (/-----BEGIN [A-Z0-9 -]*(PRIVATE KEY|SEED)-----/.test(text)) {
    throw new InvalidTrustRequestError(`${file} is a private key; trust show never prints keys`, 'show the certificate next to it instead')
  }
  // JSON documents (mesh roots, envelopes) embed PEM text too, so they are recognised first
  const certs = text.trimStart().startsWith('{') ? [] : parseCertificateBundle(text)
  if (certs.length > 0) {
    ctx.out.result({ certificates: certs.map(describeCertificate) }, () => certs.map(renderCertificate).join('\n'))
    return
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new InvalidTrustRequestError(`${file} is not a certificate, mesh root or signature envelope`)
  }
  if (json !== null && typeof json === 'object' && 'signed' in json) {
    const root = parseMeshRoot(json)
    const { signed } = root
    const summary = { ...signed, anchors: parseCertificateBundle(signed.anchors.join('')).map(describeCertificate), signatures: root.signatures.map(s => s.keyid) }
    ctx.out.result(summary, () => [
      `mesh root ${signed.meshId} v${signed.version} (expires ${signed.expires}, profile ${signed.consensus.profile})`,
      `  anchors (${signed.rootThreshold} must sign a rotation): ${summary.anchors.map(a => String(a.fingerprint)).join(', ')}`,
      `  validators: ${signed.validators.map(v => `${v.peerId}=${v.weight}`).join(', ') || '(none)'}; threshold ${signed.threshold}`,
      `  stake: ${signed.stake.map(s => `${s.peerId}=${s.amount}`).join(', ') || '(none)'}`,
      `  signed by: ${summary.signatures.join(', ')}`
    ].join('\n'))
    return
  }
  const envelope = parseEnvelope(json)
  const summary = { payloadType: envelope.payloadType, payloadBytes: Buffer.from(envelope.payload, 'base64').length, signatures: envelope.signatures.map(s => ({ keyid: s.keyid, chain: (s.chain ?? []).length })) }
  ctx.out.result(summary, () => `signature envelope (${summary.payloadType}, ${summary.payloadBytes} bytes)\n${summary.signatures.map(s => `  signed by ${s.keyid} (chain of ${s.chain})`).join('\n')}`)
}
