/**
 * Regenerates records.json: `node protocols/registry/vectors/generate.ts`. Keys and serial
 * numbers are random, so a new run gives new bytes; the committed file is the reference and
 * test/registry/vectors.spec.ts checks the implementation against it.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import {
  generateSigningKey, issueIntermediate, issuePublisher, issueRevocationList, issueRoot
} from '../../../src/trust/index.ts'
import {
  contentKey, discoveryKey, encodeCatalogMessage, recordKey, signRecord, RECORD_TYPE
} from '../../../src/registry/index.ts'
import type { RecordBody } from '../../../src/registry/index.ts'
import { tamperVersions } from '../../../test/registry/fixtures.ts'

/** Certificates are issued now (their notBefore is the issuing time); vectors are checked at the next midnight UTC. */
const NOW = new Date()
const HOUR = 3_600_000
const AT = new Date(Math.ceil((NOW.getTime() + HOUR) / (24 * HOUR)) * 24 * HOUR)
const iso = (offsetHours: number): string => new Date(AT.getTime() + offsetHours * HOUR).toISOString()
const scope = { namePrefixes: ['acme.'], capabilities: ['NetworkAccess'] }

const rootKey = generateSigningKey().privateKey
const root = { certificate: await issueRoot({ subject: 'Vector Root', privateKey: rootKey, now: NOW }), privateKey: rootKey }
const interKey = generateSigningKey()
const intermediate = { certificate: await issueIntermediate({ subject: 'Vector Intermediate', publicKey: interKey.publicKey, issuer: root, pathLength: 0, now: NOW }), privateKey: interKey.privateKey }
const pubKey = generateSigningKey()
const publisher = { certificate: await issuePublisher({ subject: 'Vector Publisher', publicKey: pubKey.publicKey, issuer: intermediate, scope, now: NOW }), privateKey: pubKey.privateKey }
const revKey = generateSigningKey()
const revokedPublisher = { certificate: await issuePublisher({ subject: 'Vector Revoked Publisher', publicKey: revKey.publicKey, issuer: intermediate, scope, now: NOW }), privateKey: revKey.privateKey }
const crl = await issueRevocationList({ issuer: intermediate, number: 1n, entries: [{ serialNumber: revokedPublisher.certificate.serialNumber, revocationDate: new Date(AT.getTime() - HOUR) }], thisUpdate: new Date(AT.getTime() - 24 * HOUR) })
const foreignKey = generateSigningKey().privateKey
const foreignRoot = { certificate: await issueRoot({ subject: 'Foreign Root', privateKey: foreignKey, now: NOW }), privateKey: foreignKey }
const fpKey = generateSigningKey()
const foreign = { certificate: await issuePublisher({ subject: 'Foreign Publisher', publicKey: fpKey.publicKey, issuer: foreignRoot, scope, now: NOW }), privateKey: fpKey.privateKey }

const MANIFEST = 'bagaaihraatbrm2pnmvwrvtvaopkaojvsu65x5xvciltciy5hss6wui6nalya'
const ROOT = 'bafir4if26xbva5w4fzczp5p3njsbfjnt6tlq732yefgwy2aiqyszzgueza'
function body (over: Partial<RecordBody> = {}): RecordBody {
  return {
    type: RECORD_TYPE,
    name: 'acme.tool',
    sequence: 3,
    issued: iso(-12),
    expires: iso(12),
    versions: [{ version: '1.0.0', manifest: MANIFEST, root: ROOT, size: 104, title: 'Acme Tool', category: 'Tools', assets: ['Library'], capabilities: ['NetworkAccess'], published: iso(-12) }],
    ...over
  }
}
const chain = [publisher.certificate, intermediate.certificate]
const good = signRecord({ body: body(), key: publisher.privateKey, chain })
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

const cases = [
  { description: 'valid record', key: 'acme.tool', value: text(good), valid: true, sequence: 3 },
  { description: 'tampered version list (payload changed after signing)', key: 'acme.tool', value: text(tamperVersions(good)), error: 'BadSignatureError' },
  { description: 'signed by a publisher under an untrusted root', key: 'acme.tool', value: text(signRecord({ body: body(), key: foreign.privateKey, chain: [foreign.certificate, foreignRoot.certificate] })), error: 'UnknownRootError' },
  { description: 'expired record (freeze)', key: 'acme.tool', value: text(signRecord({ body: body({ issued: iso(-48), expires: iso(-24) }), key: publisher.privateKey, chain })), error: 'ExpiredMetadataError' },
  { description: 'publisher revoked before `at`', key: 'acme.tool', value: text(signRecord({ body: body(), key: revokedPublisher.privateKey, chain: [revokedPublisher.certificate, intermediate.certificate] })), error: 'CertificateRevokedError' },
  { description: 'name outside the publisher scope', key: 'other.tool', value: text(signRecord({ body: body({ name: 'other.tool' }), key: publisher.privateKey, chain })), error: 'OutOfScopeError' },
  { description: 'stored under another name', key: 'acme.other', value: text(good), error: 'RecordKeyMismatchError' },
  { description: 'lifetime longer than 7 days', key: 'acme.tool', value: text(signRecord({ body: body({ expires: iso(24 * 8) }), key: publisher.privateKey, chain })), error: 'RecordLifetimeError' },
  { description: 'not canonical JSON (whitespace)', key: 'acme.tool', value: JSON.stringify(JSON.parse(text(good)), null, 1), error: 'MalformedRecordError' }
]

const vectors = {
  description: 'Registry record vectors (protocols/registry/SPEC.md). Verify each value under /hmpkg/<key> at `at` with `anchors` as trust anchors and `revocations` accepted; `valid` cases have the given sequence, others fail with the named error.',
  at: AT.toISOString(),
  anchors: [root.certificate.pem],
  revocations: [{ crl: crl.pem, issuer: intermediate.certificate.pem }],
  cases,
  keys: {
    record: { name: 'acme.tool', key: text(recordKey('acme.tool')) },
    discovery: [
      { kind: 'all', label: '', cid: discoveryKey('all').toString() },
      { kind: 'type', label: 'Library', cid: discoveryKey('type', 'Library').toString() },
      { kind: 'category', label: 'Tools', cid: discoveryKey('category', 'Tools').toString() }
    ],
    content: [{ cid: MANIFEST, key: contentKey(MANIFEST).toString() }]
  },
  catalog: {
    request: { value: { v: 1, type: 'Library' }, hex: Buffer.from(encodeCatalogMessage({ v: 1, type: 'Library' })).toString('hex') },
    response: { value: { v: 1, status: 0, records: ['<the valid record bytes>'], more: false }, hex: Buffer.from(encodeCatalogMessage({ v: 1, status: 0, records: [good], more: false })).toString('hex') }
  }
}
await writeFile(fileURLToPath(new URL('./records.json', import.meta.url)), JSON.stringify(vectors, null, 2) + '\n')
