import { readFile, writeFile } from 'node:fs/promises'
import { canonicalManifestBytes, parseManifest } from '../../package/index.ts'
import { InvalidTrustRequestError, readPostQuantumKeyFile, readPrivateKeyFile, signPackage } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { readChain } from './trust-shared.ts'

/** `<name>.json` → `<name>.sig.json`: the envelope sits next to the manifest it signs. */
export function signaturePathFor (manifestPath: string): string {
  return manifestPath.replace(/(\.json)?$/, '.sig.json')
}

/**
 * `hypermesh sign MANIFEST --cert CHAIN --key KEY`: signs the manifest's canonical bytes
 * (src/package) with the publisher key. The manifest's `certificate_fingerprint` is set to the
 * publisher certificate first (rewriting the manifest file if it changes), so the signed bytes
 * name their signer. A publisher certificate that certifies an ML-DSA-65 key needs --pq-key too.
 */
export const run: CommandRun = async (ctx, [manifestPath], opts) => {
  if (opts.cert === undefined || opts.key === undefined) throw new InvalidTrustRequestError('--cert CHAIN and --key KEY are required', 'hypermesh trust init-mesh writes publisher.pem and publisher.key')
  const chain = await readChain(String(opts.cert))
  const key = await readPrivateKeyFile(String(opts.key))
  const manifest = parseManifest(JSON.parse(await readFile(manifestPath, 'utf8')))
  const rewritten = manifest.certificate_fingerprint !== chain[0].fingerprint
  if (rewritten) {
    manifest.certificate_fingerprint = chain[0].fingerprint
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
  }
  const postQuantumKey = opts.pqKey === undefined ? undefined : await readPostQuantumKeyFile(String(opts.pqKey))
  const envelope = signPackage({ bytes: canonicalManifestBytes(manifest), key, chain, postQuantumKey })
  const out = String(opts.out ?? signaturePathFor(manifestPath))
  await writeFile(out, JSON.stringify(envelope, null, 2) + '\n')
  const result = { package: manifest.id, version: manifest.version, fingerprint: chain[0].fingerprint, signature: out, hybrid: postQuantumKey !== undefined, manifestRewritten: rewritten }
  ctx.out.result(result, () => `signed ${result.package}@${result.version} as ${result.fingerprint}\n  ${out}${rewritten ? `\n  (set certificate_fingerprint in ${manifestPath})` : ''}`)
}
