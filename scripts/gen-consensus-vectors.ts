/**
 * Writes protocols/consensus/vectors/bundle-<profile>.json: one honest bundle per parameter
 * profile from the deterministic fixture mesh (test/consensus/fixture.ts), with the mesh, the
 * verifier's clock, the expectation and the intermediate values another implementation needs.
 *
 *   node scripts/gen-consensus-vectors.ts [test|production …]
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { beaconShares, bundleFor, DIGEST, makeMesh, plotFor } from '../test/consensus/fixture.ts'
import { beaconValue, bundleDigest, contextHash, decodeBundle, paramsFor, stakeCertificateDigest } from '../src/consensus/index.ts'
import { toHex } from '../src/consensus/encoding.ts'
import type { ProfileName } from '../src/consensus/index.ts'

const OUT = fileURLToPath(new URL('../protocols/consensus/vectors/', import.meta.url))

async function vector (profile: ProfileName): Promise<void> {
  const mesh = await makeMesh(profile)
  const params = paramsFor(profile)
  const node = mesh.node.publicKey.toString()
  const plot = await plotFor(mesh, mesh.node)
  const shares = await beaconShares(mesh)
  const bytes = await bundleFor(mesh, { beacon: shares })
  const b = decodeBundle(bytes)
  const beacon = beaconValue(mesh.root.meshId, mesh.epoch, shares)
  const ctx = contextHash({ op: 'install', digest: DIGEST, node, epoch: mesh.epoch, beacon, trustRootId: mesh.root.meshId, paramsId: params.id })
  const doc = {
    description: `An honest install bundle under the ${profile} profile (SPEC.md); verify it at \`now\` with \`expected\`.`,
    profile,
    paramsId: params.id,
    meshRoot: mesh.root,
    now: mesh.now,
    expected: { op: 'install', digest: DIGEST, node },
    intermediate: {
      epoch: mesh.epoch,
      beacon: toHex(beacon),
      contextHash: toHex(ctx),
      plotSeed: toHex(plot.seed),
      plotRoot: toHex(plot.root),
      stakeCertificateDigest: toHex(stakeCertificateDigest(b.stake)),
      bundleDigest: toHex(bundleDigest(b, ctx)),
      workNonce: b.work.nonce
    },
    bundle: Buffer.from(bytes).toString('base64')
  }
  await writeFile(`${OUT}bundle-${profile}.json`, JSON.stringify(doc, null, 2) + '\n')
  console.log(`wrote bundle-${profile}.json (${bytes.byteLength} bytes)`)
}

const profiles = process.argv.slice(2) as ProfileName[]
for (const profile of profiles.length > 0 ? profiles : ['test', 'production'] as const) await vector(profile)
