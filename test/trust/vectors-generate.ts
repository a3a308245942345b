/**
 * Writes protocols/trust/vectors/: run `node test/trust/vectors-generate.ts` after a format
 * change, then commit the files. The vectors are checked by vectors.spec.ts (and parsed by
 * openssl in openssl.spec.ts). Private keys are not written: the vectors are for verifiers.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { canonicalManifestBytes, cidOf, CBOR_CODEC } from '../../src/package/index.ts'
import type { Manifest } from '../../src/package/index.ts'
import {
  createMeshRoot, generateSigningKey, issueIntermediate, issueNodeCertificate, issuePublisher, issueRevocationList, issueRoot,
  signPackage
} from '../../src/trust/index.ts'
import { newPeerId } from './fixtures.ts'

export const VECTORS_DIR = new URL('../../protocols/trust/vectors/', import.meta.url).pathname
/** Vectors stay valid for twenty years so the tests do not rot. */
const VALIDITY_DAYS = 7300
/** The instant the tests verify at: after generation, long before expiry. */
const VERIFY_AT = '2030-01-01T00:00:00.000Z'

async function main (): Promise<void> {
  const rootKey = generateSigningKey().privateKey
  const root = { certificate: await issueRoot({ subject: 'HyperMesh Vector Root', privateKey: rootKey, validityDays: VALIDITY_DAYS, pathLength: 1 }), privateKey: rootKey }
  const ik = generateSigningKey()
  const intermediate = { certificate: await issueIntermediate({ subject: 'HyperMesh Vector Intermediate', publicKey: ik.publicKey, issuer: root, pathLength: 0, validityDays: VALIDITY_DAYS }), privateKey: ik.privateKey }
  const scope = { namePrefixes: ['vector.'], capabilities: ['AssetManagement', 'NetworkAccess'] }
  const pk = generateSigningKey()
  const publisher = await issuePublisher({ subject: 'Vector Publisher', publicKey: pk.publicKey, issuer: intermediate, scope, validityDays: VALIDITY_DAYS })
  const revoked = await issuePublisher({ subject: 'Revoked Publisher', publicKey: generateSigningKey().publicKey, issuer: intermediate, scope, validityDays: VALIDITY_DAYS })
  const peerId = await newPeerId()
  const node = await issueNodeCertificate({ peerId, level: 'validator', issuer: intermediate, validityDays: VALIDITY_DAYS })

  const content = new TextEncoder().encode('hello vector')
  const manifest: Manifest = {
    id: 'vector.hello',
    name: 'Vector Hello',
    version: '1.0.0',
    category: 'Library',
    required_capabilities: ['NetworkAccess'],
    provided_assets: ['Library'],
    dependencies: [],
    certificate_fingerprint: publisher.fingerprint,
    content: { root: cidOf(CBOR_CODEC, content).toString(), size: content.length, chunk_size: 1024 * 1024 },
    files: [{ path: 'hello.txt', mode: 0o100644, size: content.length }]
  }
  const bytes = canonicalManifestBytes(manifest)
  const envelope = signPackage({ bytes, key: pk.privateKey, chain: [publisher, intermediate.certificate] })
  const crl = await issueRevocationList({
    issuer: intermediate,
    number: 1n,
    entries: [{ serialNumber: revoked.serialNumber, revocationDate: new Date('2027-01-01T00:00:00Z') }],
    nextUpdate: new Date(Date.now() + VALIDITY_DAYS * 86400_000)
  })
  const meshRoot = createMeshRoot({ meshId: 'vector-mesh', anchors: [root.certificate], signers: [root], validators: [{ peerId, weight: 1 }], stake: [{ peerId, amount: 100 }], profile: 'test', validityDays: VALIDITY_DAYS })

  await mkdir(VECTORS_DIR, { recursive: true })
  const files: Record<string, string | Uint8Array> = {
    'root.pem': root.certificate.pem,
    'intermediate.pem': intermediate.certificate.pem,
    'publisher.pem': publisher.pem,
    'revoked-publisher.pem': revoked.pem,
    'node.pem': node.pem,
    'manifest.json': bytes,
    'manifest.sig.json': JSON.stringify(envelope, null, 2) + '\n',
    'intermediate.crl.pem': crl.pem,
    'mesh-root.json': JSON.stringify(meshRoot, null, 2) + '\n',
    'expected.json': JSON.stringify({
      verifyAt: VERIFY_AT,
      fingerprints: { root: root.certificate.fingerprint, intermediate: intermediate.certificate.fingerprint, publisher: publisher.fingerprint, revokedPublisher: revoked.fingerprint, node: node.fingerprint },
      revokedSerial: revoked.serialNumber,
      revokedAt: '2027-01-01T00:00:00.000Z',
      crlNumber: '1',
      nodePeerId: peerId,
      nodeLevel: 'validator',
      scope,
      packageName: manifest.id,
      capabilities: manifest.required_capabilities
    }, null, 2) + '\n'
  }
  for (const [name, data] of Object.entries(files)) await writeFile(join(VECTORS_DIR, name), data)
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main()
