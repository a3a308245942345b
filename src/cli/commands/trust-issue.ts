import {
  generatePostQuantumKey, generateSigningKey, InvalidTrustRequestError, issueIntermediate, issueNodeCertificate, issuePublisher, publicKeyOf,
  readPrivateKeyFile, writePostQuantumKeyFile, writePrivateKeyFile
} from '../../trust/index.ts'
import type { TrustCertificate } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { describeCertificate, intOption, listOption, readChain, readIssuer, renderCertificate, writeCertificate } from './trust-shared.ts'

/**
 * `hypermesh trust issue --ca|--publisher|--node PEERID`: issues one certificate from
 * --issuer-cert/--issuer-key. CA and publisher certificates get a new key written to
 * `<out>.key` (0600) unless --key names an existing one (a publisher with --post-quantum also gets
 * an ML-DSA-65 seed in `<out>.mldsa.key`, 0600); a node certificate binds the PeerId's
 * own key, so no key is written. The certificate, followed by the issuer's chain, goes to `<out>.pem`.
 */
export const run: CommandRun = async (ctx, _args, opts) => {
  const kinds = [opts.ca === true, opts.publisher === true, opts.node !== undefined].filter(Boolean).length
  if (kinds !== 1) throw new InvalidTrustRequestError('choose exactly one of --ca, --publisher, --node PEERID')
  if (opts.out === undefined) throw new InvalidTrustRequestError('--out PREFIX is required', 'e.g. --out ./acme writes ./acme.pem and ./acme.key')
  const issuer = await readIssuer(opts.issuerCert, opts.issuerKey)
  const issuerChain = await readChain(opts.issuerCert)
  const validityDays = intOption(opts.validityDays, '--validity-days')
  const out = String(opts.out)
  const files: Record<string, string> = {}

  let certificate: TrustCertificate
  if (opts.node !== undefined) {
    certificate = await issueNodeCertificate({ peerId: String(opts.node), level: opts.level, issuer, validityDays })
  } else {
    let privateKey
    if (opts.key !== undefined) {
      privateKey = await readPrivateKeyFile(String(opts.key))
    } else {
      privateKey = generateSigningKey().privateKey
      files.key = `${out}.key`
      await writePrivateKeyFile(files.key, privateKey, { overwrite: opts.force === true })
    }
    const subject = String(opts.subject ?? (opts.ca === true ? 'HyperMesh Intermediate' : 'HyperMesh Publisher'))
    const prefixes = listOption(opts.namePrefix)
    const capabilities = listOption(opts.capability)
    if (opts.ca === true) {
      const scope = prefixes.length > 0 || capabilities.length > 0 ? { namePrefixes: prefixes, capabilities } : undefined
      certificate = await issueIntermediate({ subject, publicKey: publicKeyOf(privateKey), issuer, pathLength: intOption(opts.pathLength, '--path-length'), scope, validityDays })
    } else {
      if (prefixes.length === 0) throw new InvalidTrustRequestError('a publisher needs at least one --name-prefix', 'use --name-prefix "" to allow every name')
      let postQuantumKey
      if (opts.postQuantum === true) {
        const pq = generatePostQuantumKey()
        files.postQuantumKey = `${out}.mldsa.key`
        await writePostQuantumKeyFile(files.postQuantumKey, pq, { overwrite: opts.force === true })
        postQuantumKey = pq.publicKey
      }
      certificate = await issuePublisher({ subject, publicKey: publicKeyOf(privateKey), issuer, scope: { namePrefixes: prefixes, capabilities }, postQuantumKey, validityDays })
    }
  }
  files.certificate = `${out}.pem`
  // the chain up to (not including) a self-signed root, so the file is ready to present
  await writeCertificate(files.certificate, [certificate, ...issuerChain.filter(c => c.subject !== c.issuer)])
  ctx.out.result({ certificate: describeCertificate(certificate), files }, () => `${renderCertificate(certificate)}\n${Object.entries(files).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`)
}
