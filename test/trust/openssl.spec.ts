import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'

const dir = new URL('../../protocols/trust/vectors/', import.meta.url).pathname
const hasOpenssl = spawnSync('openssl', ['version']).status === 0
const skip = hasOpenssl ? false : 'openssl is not installed (CI installs it via apt)'

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' })

describe('openssl reads our certificates and revocation lists', { skip }, () => {
  for (const name of ['root.pem', 'intermediate.pem', 'publisher.pem', 'revoked-publisher.pem', 'node.pem']) {
    it(`openssl x509 -text -noout parses ${name}`, () => {
      const text = openssl('x509', '-in', join(dir, name), '-text', '-noout')
      assert.match(text, /Signature Algorithm: ED25519/)
      assert.match(text, /X509v3 Basic Constraints: critical/)
    })
  }

  it('shows the publisher scope under our private OID and codeSigning', () => {
    const text = openssl('x509', '-in', join(dir, 'publisher.pem'), '-text', '-noout')
    assert.match(text, /1\.3\.6\.1\.4\.1\.32473\.4841\.1: critical/)
    assert.match(text, /Code Signing/)
  })

  it('openssl crl -text -noout parses the revocation list', () => {
    const text = openssl('crl', '-in', join(dir, 'intermediate.crl.pem'), '-text', '-noout')
    assert.match(text, /X509v3 CRL Number:\s+1/)
    assert.match(text, /Key Compromise/)
  })

  it('openssl verify accepts the chain (ignoring our critical private extension, which it cannot know)', () => {
    const out = openssl('verify', '-ignore_critical', '-attime', String(Date.parse('2030-01-01T00:00:00Z') / 1000), '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'intermediate.pem'), join(dir, 'publisher.pem'))
    assert.match(out, /OK/)
  })
})
