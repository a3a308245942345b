import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CAPABILITIES } from '../../package/index.ts'
import {
  CONSENSUS_PROFILES, createMeshRoot, generateSigningKey, installMeshRoot, InvalidTrustRequestError, issueIntermediate,
  issuePublisher, issueRoot, writePrivateKeyFile
} from '../../trust/index.ts'
import type { ConsensusProfile, Issuer } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { intOption, listOption, readIssuer, stakeOption, validatorsOption, writeCertificate } from './trust-shared.ts'

/**
 * `hypermesh trust init-mesh`: everything a fresh local mesh needs, non-interactively. Writes to
 * --out: root.key/root.pem (unless --root-cert/--root-key reuse a root), intermediate.key/.pem,
 * publisher.key and publisher.pem (publisher + intermediate, ready for `hypermesh sign`), and
 * mesh-root.json signed by the root. With --install the mesh root is installed in the data dir.
 */
export const run: CommandRun = async (ctx, _args, opts) => {
  if (opts.out === undefined) throw new InvalidTrustRequestError('--out DIR is required')
  const out = String(opts.out)
  const profile = String(opts.profile ?? 'test') as ConsensusProfile
  if (!CONSENSUS_PROFILES.includes(profile)) throw new InvalidTrustRequestError(`--profile ${profile}: expected one of ${CONSENSUS_PROFILES.join(', ')}`)
  const validators = validatorsOption(opts.validator)
  const stake = stakeOption(opts.stake)
  const overwrite = opts.force === true
  await mkdir(out, { recursive: true })
  const files: Record<string, string> = {}

  let root: Issuer
  if (opts.rootCert !== undefined || opts.rootKey !== undefined) {
    root = await readIssuer(opts.rootCert, opts.rootKey)
  } else {
    const privateKey = generateSigningKey().privateKey
    files.rootKey = join(out, 'root.key')
    await writePrivateKeyFile(files.rootKey, privateKey, { overwrite })
    root = { certificate: await issueRoot({ subject: `${String(opts.meshId ?? 'hypermesh-local')} root`, privateKey }), privateKey }
    files.root = join(out, 'root.pem')
    await writeCertificate(files.root, [root.certificate])
  }

  const interKey = generateSigningKey()
  const intermediate = { certificate: await issueIntermediate({ subject: 'HyperMesh Intermediate', publicKey: interKey.publicKey, issuer: root, pathLength: 0 }), privateKey: interKey.privateKey }
  files.intermediateKey = join(out, 'intermediate.key')
  await writePrivateKeyFile(files.intermediateKey, interKey.privateKey, { overwrite })
  files.intermediate = join(out, 'intermediate.pem')
  await writeCertificate(files.intermediate, [intermediate.certificate])

  const pubKey = generateSigningKey()
  const prefixes = listOption(opts.publisherPrefix)
  const publisher = await issuePublisher({
    subject: 'HyperMesh Local Publisher',
    publicKey: pubKey.publicKey,
    issuer: intermediate,
    // the local publisher may publish anything: it exists so a fresh mesh works without setup
    scope: { namePrefixes: prefixes.length > 0 ? prefixes : [''], capabilities: [...CAPABILITIES] }
  })
  files.publisherKey = join(out, 'publisher.key')
  await writePrivateKeyFile(files.publisherKey, pubKey.privateKey, { overwrite })
  files.publisher = join(out, 'publisher.pem')
  await writeCertificate(files.publisher, [publisher, intermediate.certificate])

  const meshRoot = createMeshRoot({
    meshId: String(opts.meshId ?? 'hypermesh-local'),
    anchors: [root.certificate],
    signers: [root],
    validators,
    threshold: intOption(opts.threshold, '--threshold'),
    stake,
    profile,
    validityDays: intOption(opts.validityDays, '--validity-days')
  })
  files.meshRoot = join(out, 'mesh-root.json')
  await writeFile(files.meshRoot, JSON.stringify(meshRoot, null, 2) + '\n', { flag: overwrite ? 'w' : 'wx' })
  if (opts.install === true) await installMeshRoot(ctx.global.dataDir, meshRoot)

  const result = {
    meshId: meshRoot.signed.meshId,
    version: meshRoot.signed.version,
    root: root.certificate.fingerprint,
    publisher: publisher.fingerprint,
    validators: validators.length,
    threshold: meshRoot.signed.threshold,
    profile,
    installed: opts.install === true,
    files
  }
  ctx.out.result(result, () => [
    `mesh ${result.meshId} v${result.version}: root ${result.root}`,
    `  ${validators.length} validator(s), threshold ${result.threshold}, ${stake.length} stake allocation(s), profile ${profile}`,
    ...Object.entries(files).map(([k, v]) => `  ${k.padEnd(16)} ${v}`)
  ].join('\n'))
}
