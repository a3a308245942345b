import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { generateSigningKey, issueRoot, writePrivateKeyFile } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { describeCertificate, intOption, writeCertificate } from './trust-shared.ts'

/** `hypermesh trust init-root`: a new root key (0600) and self-signed root CA certificate. */
export const run: CommandRun = async (ctx, _args, opts) => {
  const out = String(opts.out ?? join(ctx.global.dataDir, 'trust', 'root'))
  await mkdir(out, { recursive: true })
  const privateKey = generateSigningKey().privateKey
  const keyPath = join(out, 'root.key')
  // the key is written first and refuses to overwrite, so an existing root is never replaced
  await writePrivateKeyFile(keyPath, privateKey, { overwrite: opts.force === true })
  const certificate = await issueRoot({
    subject: String(opts.subject ?? 'HyperMesh Root'),
    privateKey,
    validityDays: intOption(opts.validityDays, '--validity-days'),
    pathLength: intOption(opts.pathLength, '--path-length')
  })
  const certPath = join(out, 'root.pem')
  await writeCertificate(certPath, [certificate])
  const result = { certificate: describeCertificate(certificate), files: { key: keyPath, certificate: certPath } }
  ctx.out.result(result, () => `root ${certificate.fingerprint}\n  certificate: ${certPath}\n  key (0600):  ${keyPath}`)
}
