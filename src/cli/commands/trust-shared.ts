import { readFile, writeFile } from 'node:fs/promises'
import {
  InvalidTrustRequestError, isEd25519PeerId, loadTrust, parseCertificateBundle, readPrivateKeyFile, TrustStore, verifyMeshRoot
} from '../../trust/index.ts'
import type { Issuer, StakeAllocation, TrustCertificate, Validator } from '../../trust/index.ts'

/**
 * Helpers the offline trust commands share (not a command itself): reading certificates and
 * issuer keys, writing certificates, building a trust store from flags, and one plain-JSON
 * description of a certificate. Private keys are only ever read or written through
 * src/trust/key-file.ts and never printed.
 */

/** Certificates are public: world-readable like any PEM certificate. */
const CERT_FILE_MODE = 0o644

export async function readChain (path: string): Promise<TrustCertificate[]> {
  const chain = parseCertificateBundle(await readFile(path, 'utf8'))
  if (chain.length === 0) throw new InvalidTrustRequestError(`${path} holds no PEM certificate`)
  return chain
}

/** The issuer certificate (the first of the file) and its key. */
export async function readIssuer (certPath: string | undefined, keyPath: string | undefined): Promise<Issuer> {
  if (certPath === undefined || keyPath === undefined) throw new InvalidTrustRequestError('the issuer is missing', 'pass --issuer-cert FILE and --issuer-key FILE')
  const [certificate] = await readChain(certPath)
  return { certificate, privateKey: await readPrivateKeyFile(keyPath) }
}

export async function writeCertificate (path: string, certs: TrustCertificate[]): Promise<void> {
  await writeFile(path, certs.map(c => c.pem).join(''), { mode: CERT_FILE_MODE })
}

export function intOption (value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidTrustRequestError(`${flag}: "${String(value)}" is not a non-negative integer`)
  return n
}

export function listOption (value: unknown): string[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value.map(String) : [String(value)]
}

/**
 * The anchors to verify against: `--anchor` files and a `--mesh-root` file when given,
 * otherwise the data dir's trust store.
 */
export async function trustStoreFrom (dataDir: string, opts: Record<string, any>): Promise<TrustStore> {
  const anchors = listOption(opts.anchor)
  if (anchors.length === 0 && opts.meshRoot === undefined) return (await loadTrust(dataDir)).store
  const store = new TrustStore()
  for (const file of anchors) for (const cert of await readChain(file)) store.addAnchor(cert)
  if (opts.meshRoot !== undefined) store.setMeshRoot(verifyMeshRoot(await readFile(opts.meshRoot, 'utf8'), new Date(0)))
  return store
}

/** A certificate as plain JSON, for `--json` output and the human rendering. */
export function describeCertificate (cert: TrustCertificate): Record<string, unknown> {
  return {
    fingerprint: cert.fingerprint,
    role: cert.role,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    ca: cert.ca,
    ...(cert.pathLength !== undefined ? { pathLength: cert.pathLength } : {}),
    ...(cert.scope !== undefined ? { scope: cert.scope } : {}),
    ...(cert.node !== undefined ? { node: cert.node } : {}),
    ...(cert.postQuantumKey !== undefined ? { postQuantum: 'ML-DSA-65' } : {})
  }
}

export function renderCertificate (cert: TrustCertificate): string {
  const lines = [
    `${cert.role} certificate ${cert.fingerprint}`,
    `  subject:  ${cert.subject}`,
    `  issuer:   ${cert.issuer}`,
    `  serial:   ${cert.serialNumber}`,
    `  valid:    ${cert.notBefore.toISOString()} .. ${cert.notAfter.toISOString()}`,
    `  CA:       ${cert.ca ? `yes${cert.pathLength !== undefined ? `, path length ${cert.pathLength}` : ''}` : 'no'}`
  ]
  if (cert.scope !== undefined) {
    lines.push(`  names:    ${cert.scope.namePrefixes.map(p => p === '' ? '(any)' : `${p}*`).join(', ')}`)
    lines.push(`  caps:     ${cert.scope.capabilities.join(', ') || '(none)'}`)
  }
  if (cert.node !== undefined) lines.push(`  peer:     ${cert.node.peerId} (${cert.node.level})`)
  if (cert.postQuantumKey !== undefined) lines.push('  hybrid:   signs with Ed25519 + ML-DSA-65')
  return lines.join('\n')
}

/** A validator given without `=weight` counts once. */
const DEFAULT_VALIDATOR_WEIGHT = 1

function peerAndNumber (value: string, flag: string, fallback?: number): { peerId: string, n: number } {
  const at = value.lastIndexOf('=')
  const peerId = at === -1 ? value : value.slice(0, at)
  const n = at === -1 ? fallback : Number(value.slice(at + 1))
  if (!isEd25519PeerId(peerId)) throw new InvalidTrustRequestError(`${flag} ${value}: not an Ed25519 PeerId`, 'use the PeerId `hypermesh id` prints (12D3KooW...)')
  if (n === undefined || !Number.isSafeInteger(n) || n < 0) throw new InvalidTrustRequestError(`${flag} ${value}: expected <peerId>=<non-negative integer>`)
  return { peerId, n }
}

/** `--validator <peerId>[=weight]`, repeatable. */
export function validatorsOption (value: unknown): Validator[] {
  return listOption(value).map(v => {
    const { peerId, n } = peerAndNumber(v, '--validator', DEFAULT_VALIDATOR_WEIGHT)
    return { peerId, weight: n }
  })
}

/** `--stake <peerId>=<amount>`, repeatable. */
export function stakeOption (value: unknown): StakeAllocation[] {
  return listOption(value).map(s => {
    const { peerId, n } = peerAndNumber(s, '--stake')
    return { peerId, amount: n }
  })
}
