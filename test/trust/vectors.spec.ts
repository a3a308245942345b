import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeManifestBytes } from '../../src/package/index.ts'
import {
  parseCertificate, parseRevocationList, TrustStore, verifyChain, verifyMeshRoot, verifyNodeCertificate, verifyPackageSignature
} from '../../src/trust/index.ts'

const dir = new URL('../../protocols/trust/vectors/', import.meta.url).pathname
const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
const expected = JSON.parse(read('expected.json'))
const at = new Date(expected.verifyAt)

describe('protocols/trust/vectors', () => {
  const root = parseCertificate(read('root.pem'))
  const intermediate = parseCertificate(read('intermediate.pem'))
  const publisher = parseCertificate(read('publisher.pem'))
  const revoked = parseCertificate(read('revoked-publisher.pem'))
  const store = new TrustStore({ anchors: [root] })

  it('certificates have the recorded fingerprints, roles and limits', () => {
    assert.equal(root.fingerprint, expected.fingerprints.root)
    assert.equal(intermediate.fingerprint, expected.fingerprints.intermediate)
    assert.equal(publisher.fingerprint, expected.fingerprints.publisher)
    assert.equal(root.role, 'ca')
    assert.equal(root.pathLength, 1)
    assert.equal(intermediate.pathLength, 0)
    assert.equal(publisher.role, 'publisher')
    assert.deepEqual(publisher.scope, expected.scope)
  })

  it('the 3-level chain verifies', () => {
    const chain = verifyChain([publisher, intermediate], store, at)
    assert.deepEqual(chain.certificates.map(c => c.fingerprint), [publisher.fingerprint, intermediate.fingerprint, root.fingerprint])
  })

  it('the signed manifest verifies and names its signer', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'manifest.json')))
    const manifest = decodeManifestBytes(bytes)
    const result = verifyPackageSignature({ bytes, name: manifest.id, capabilities: manifest.required_capabilities, envelope: read('manifest.sig.json'), trustStore: store, at, fingerprint: manifest.certificate_fingerprint })
    assert.equal(result.fingerprint, expected.fingerprints.publisher)
    assert.equal(manifest.id, expected.packageName)
  })

  it('the revocation list revokes the recorded serial from the recorded time', () => {
    const list = parseRevocationList(read('intermediate.crl.pem'), intermediate)
    assert.equal(list.number.toString(), expected.crlNumber)
    assert.equal(list.entries.get(expected.revokedSerial)?.toISOString(), expected.revokedAt)
    const withList = new TrustStore({ anchors: [root] })
    withList.revocations.accept(list, new Date(expected.revokedAt))
    assert.throws(() => verifyChain([revoked, intermediate], withList, at), { name: 'CertificateRevokedError' })
    assert.doesNotThrow(() => verifyChain([revoked, intermediate], withList, new Date(new Date(expected.revokedAt).getTime() - 1000)))
    assert.doesNotThrow(() => verifyChain([publisher, intermediate], withList, at))
  })

  it('the node certificate binds the recorded PeerId', () => {
    const result = verifyNodeCertificate({ peerId: expected.nodePeerId, chain: [read('node.pem'), intermediate.pem], trustStore: store, at })
    assert.equal(result.level, expected.nodeLevel)
  })

  it('the mesh root verifies and anchors the vector root', () => {
    const meshRoot = verifyMeshRoot(read('mesh-root.json'), at)
    assert.equal(parseCertificate(meshRoot.signed.anchors[0]).fingerprint, expected.fingerprints.root)
    assert.equal(meshRoot.signed.validators[0].peerId, expected.nodePeerId)
  })
})
