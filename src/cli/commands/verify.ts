import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { canonicalManifestBytes, decodeManifestBytes, parseManifest } from '../../package/index.ts'
import { parseCertificateBundle, parseEnvelope, parseRevocationList, verifyPackageSignature } from '../../trust/index.ts'
import type { Envelope, TrustStore } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { signaturePathFor } from './sign.ts'
import { listOption, trustStoreFrom } from './trust-shared.ts'

/** Accepts each --crl file with whichever presented or anchor certificate signed it. */
async function addRevocationLists (store: TrustStore, files: string[], envelope: Envelope, at: Date): Promise<void> {
  const candidates = [...store.anchors(), ...envelope.signatures.flatMap(s => parseCertificateBundle((s.chain ?? []).join('')))]
  for (const file of files) {
    const text = await readFile(file, 'utf8')
    const errors: unknown[] = []
    const issuer = candidates.find(c => {
      try {
        store.revocations.accept(parseRevocationList(text, c), at)
        return true
      } catch (err) {
        errors.push(err)
        return false
      }
    })
    if (issuer === undefined) throw errors.find((e: any) => e.name !== 'BadSignatureError') ?? errors[0]
  }
}

/**
 * `hypermesh verify PACKAGE|MANIFEST|SIGNATURE`: checks a signed manifest offline against the
 * data dir's trust store (or --anchor / --mesh-root files). PACKAGE is a directory holding
 * manifest.json and manifest.sig.json; MANIFEST a manifest file with its `.sig.json` beside it
 * (or --signature); SIGNATURE an envelope file, whose payload is the manifest.
 */
export const run: CommandRun = async (ctx, [path], opts) => {
  let manifestPath: string | undefined = path
  let signaturePath = opts.signature as string | undefined
  if ((await stat(path)).isDirectory()) {
    manifestPath = join(path, 'manifest.json')
    signaturePath ??= join(path, 'manifest.sig.json')
  } else if (path.endsWith('.sig.json')) {
    manifestPath = undefined
    signaturePath = path
  }
  signaturePath ??= signaturePathFor(path)
  const envelope = parseEnvelope(await readFile(signaturePath, 'utf8'))
  const manifest = manifestPath === undefined
    ? decodeManifestBytes(Buffer.from(envelope.payload, 'base64'))
    : parseManifest(JSON.parse(await readFile(manifestPath, 'utf8')))
  const at = opts.at === undefined ? new Date() : new Date(String(opts.at))
  const trustStore = await trustStoreFrom(ctx.global.dataDir, opts)
  await addRevocationLists(trustStore, listOption(opts.crl), envelope, at)
  const verified = verifyPackageSignature({
    bytes: canonicalManifestBytes(manifest),
    name: manifest.id,
    capabilities: manifest.required_capabilities,
    envelope,
    trustStore,
    at,
    fingerprint: manifest.certificate_fingerprint
  })
  const result = {
    ok: true,
    package: manifest.id,
    version: manifest.version,
    fingerprint: verified.fingerprint,
    chain: verified.certificates.map(c => ({ subject: c.subject, fingerprint: c.fingerprint })),
    anchor: verified.anchor.fingerprint
  }
  ctx.out.result(result, () => `OK ${result.package}@${result.version} signed by ${verified.leaf.subject}\n${result.chain.map(c => `  ${c.subject}  ${c.fingerprint}`).join('\n')}`)
}
