import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { verifyPackageSignature } from '../../src/trust/index.ts'
import { makePki, MANIFEST_BYTES, signWith } from './fixtures.ts'
import type { Pki } from './fixtures.ts'

describe('package signatures', () => {
  let pki: Pki
  before(async () => { pki = await makePki() })

  it('verifies a manifest signed by an in-scope publisher and returns the chain used', () => {
    const envelope = signWith(pki)
    const result = verifyPackageSignature({ bytes: MANIFEST_BYTES, name: 'acme.tool', capabilities: ['NetworkAccess'], envelope, trustStore: pki.store })
    assert.deepEqual(result.certificates.map(c => c.subject), ['CN=Acme Publisher', 'CN=Test Intermediate', 'CN=Test Root'])
    assert.equal(result.fingerprint, pki.publisher.certificate.fingerprint)
  })
})
