import { readFile, writeFile } from 'node:fs/promises'
import {
  CONSENSUS_PROFILES, InvalidTrustRequestError, MESH_ROOT_VALIDITY_DAYS, parseCertificate, parseMeshRoot, signMeshRoot,
  updateMeshRoot
} from '../../trust/index.ts'
import type { ConsensusProfile, MeshRootBody } from '../../trust/index.ts'
import type { CommandRun } from '../context.ts'
import { intOption, listOption, readChain, readIssuer, stakeOption, validatorsOption } from './trust-shared.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * `hypermesh trust rotate-root CURRENT --out NEXT --signer CERT=KEY ...`: writes the next mesh
 * root version. Anchors, validators, stake and profile are kept unless given again (--anchor,
 * --remove-anchor, --validator, --stake, --profile, --threshold, --root-threshold). The signers
 * must include a threshold of the current root's keys and of the new root's keys; the result is
 * checked as a node would check it before it is written.
 */
export const run: CommandRun = async (ctx, [currentPath], opts) => {
  if (opts.out === undefined) throw new InvalidTrustRequestError('--out FILE is required')
  const current = parseMeshRoot(await readFile(currentPath, 'utf8'))
  const signers = await Promise.all(listOption(opts.signer).map(async pair => {
    const at = pair.indexOf('=')
    if (at === -1) throw new InvalidTrustRequestError(`--signer ${pair}: expected CERT=KEY`)
    return readIssuer(pair.slice(0, at), pair.slice(at + 1))
  }))
  const removed = new Set(listOption(opts.removeAnchor))
  const added = (await Promise.all(listOption(opts.anchor).map(readChain))).flat()
  const anchors = [...current.signed.anchors.filter(pem => !removed.has(parseCertificate(pem).fingerprint)), ...added.map(c => c.pem)]
  const validators = opts.validator === undefined ? current.signed.validators : validatorsOption(opts.validator)
  const profile = String(opts.profile ?? current.signed.consensus.profile) as ConsensusProfile
  if (!CONSENSUS_PROFILES.includes(profile)) throw new InvalidTrustRequestError(`--profile ${profile}: expected one of ${CONSENSUS_PROFILES.join(', ')}`)
  const body: MeshRootBody = {
    ...current.signed,
    version: current.signed.version + 1,
    expires: new Date(Date.now() + (intOption(opts.validityDays, '--validity-days') ?? MESH_ROOT_VALIDITY_DAYS) * DAY_MS).toISOString(),
    anchors,
    rootThreshold: intOption(opts.rootThreshold, '--root-threshold') ?? Math.min(current.signed.rootThreshold, anchors.length),
    validators,
    threshold: intOption(opts.threshold, '--threshold') ?? current.signed.threshold,
    stake: opts.stake === undefined ? current.signed.stake : stakeOption(opts.stake),
    consensus: { profile }
  }
  const next = signMeshRoot(body, signers)
  // refuse to write a root no node would accept
  updateMeshRoot(current, [next])
  await writeFile(String(opts.out), JSON.stringify(next, null, 2) + '\n', { flag: opts.force === true ? 'w' : 'wx' })
  const result = { meshId: body.meshId, version: body.version, anchors: anchors.length, rootThreshold: body.rootThreshold, file: String(opts.out) }
  ctx.out.result(result, () => `mesh root ${result.meshId} v${result.version} (${result.anchors} anchor(s), ${result.rootThreshold} to sign the next) written to ${result.file}`)
}
