import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { privateKeyToPem, generateSigningKey } from '../../src/trust/index.ts'
import { PUBLISHERS_DIR, toCredentials } from '../../src/registry/index.ts'
import { loadCredentials, saveCredentials } from '../../src/registry/publishers.ts'
import { credsOf, makePki, tempDir } from './fixtures.ts'

describe('publisher credentials kept for republishing', () => {
  it('round-trips through the data dir with owner-only permissions', async () => {
    await using tmp = await tempDir()
    const pki = await makePki()
    const { key, chain } = credsOf(pki)
    await saveCredentials(tmp.dir, toCredentials(key, chain))
    const file = join(tmp.dir, PUBLISHERS_DIR, `${chain[0].fingerprint.slice('SHA256:'.length)}.json`)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    const loaded = await loadCredentials(tmp.dir, chain[0].fingerprint)
    assert.deepEqual(loaded?.chain.map(c => c.fingerprint), chain.map(c => c.fingerprint))
    assert.equal(privateKeyToPem(loaded!.key), privateKeyToPem(key))
    assert.equal(await loadCredentials(tmp.dir, 'SHA256:' + '0'.repeat(64)), undefined)
  })

  it('refuses a key that does not belong to the first certificate, and an empty chain', async () => {
    const pki = await makePki()
    assert.throws(() => toCredentials(generateSigningKey().privateKey, [pki.publisher.certificate]), { name: 'PublisherCredentialsError' })
    assert.throws(() => toCredentials(pki.publisher.privateKey, ''), { name: 'PublisherCredentialsError' })
    assert.equal(toCredentials(privateKeyToPem(pki.publisher.privateKey), pki.publisher.certificate.pem + pki.intermediate.certificate.pem).chain.length, 2)
  })
})
