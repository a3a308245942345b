import { decodeChildren, decodeOne, decodeUtf8, encodeSequence, encodeTlv, encodeUtf8String, TAG_OCTET_STRING, TAG_SEQUENCE } from './der.ts'
import { MalformedTrustDataError } from './errors.ts'

/**
 * HyperMesh's private X.509 extensions. The arc is IANA's documentation enterprise number
 * (RFC 5612, 32473) plus a project sub-arc: a UUID arc (2.25.<uuid>, X.667) would be the
 * registration-free choice, but @peculiar/x509's OID encoder truncates arcs above 2^53, and a
 * borrowed real enterprise number would squat someone else's space. Replace the arc with a
 * registered PEN before production; it is this one constant. Both extensions are critical so a
 * verifier that does not understand them refuses the certificate instead of ignoring its limits.
 * protocols/trust/SPEC.md gives the ASN.1.
 */
export const HYPERMESH_OID_ARC = '1.3.6.1.4.1.32473.4841'
/** Publisher scope (on a publisher certificate) or scope constraint (on a CA certificate). */
export const SCOPE_OID = `${HYPERMESH_OID_ARC}.1`
/** Node binding: the libp2p PeerId a node certificate is for, and the node's trust level. */
export const NODE_OID = `${HYPERMESH_OID_ARC}.2`
/** ML-DSA-65 public key of a publisher (non-critical: an extra key, not a limit). */
export const PQ_KEY_OID = `${HYPERMESH_OID_ARC}.3`
/** id-kp-codeSigning (RFC 5280): the extended key usage a package signer must carry. */
export const CODE_SIGNING_OID = '1.3.6.1.5.5.7.3.3'
/** id-kp-clientAuth and id-kp-serverAuth: a node certificate authenticates a peer in both directions. */
export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2'
export const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1'

/** Longest prefix, capability or level string: scopes are short identifiers, not documents. */
export const MAX_SCOPE_ITEM_LENGTH = 256
/** Most prefixes or capabilities one certificate may list. */
export const MAX_SCOPE_ITEMS = 256

/**
 * What a publisher may publish: package names starting with one of `namePrefixes` (the empty
 * prefix allows every name) and packages requesting only `capabilities`.
 */
export interface Scope {
  namePrefixes: string[]
  capabilities: string[]
}

export interface NodeBinding {
  peerId: string
  /** The trust level the issuer grants this node, e.g. `member`, `validator`, `relay`. */
  level: string
}

function checkItems (items: string[], what: string): void {
  if (items.length > MAX_SCOPE_ITEMS) throw new MalformedTrustDataError(`too many ${what} (${items.length} > ${MAX_SCOPE_ITEMS})`)
  for (const item of items) {
    if (item.length > MAX_SCOPE_ITEM_LENGTH) throw new MalformedTrustDataError(`${what} entry longer than ${MAX_SCOPE_ITEM_LENGTH}`)
  }
}

export function encodeScope (scope: Scope): Uint8Array {
  checkItems(scope.namePrefixes, 'name prefixes')
  checkItems(scope.capabilities, 'capabilities')
  return encodeSequence([
    encodeSequence(scope.namePrefixes.map(encodeUtf8String)),
    encodeSequence(scope.capabilities.map(encodeUtf8String))
  ])
}

export function decodeScope (bytes: Uint8Array): Scope {
  const parts = decodeChildren(decodeOne(bytes, TAG_SEQUENCE))
  if (parts.length !== 2 || parts.some(p => p.tag !== TAG_SEQUENCE)) throw new MalformedTrustDataError('scope: expected two SEQUENCEs')
  const scope = {
    namePrefixes: decodeChildren(parts[0].value).map(decodeUtf8),
    capabilities: decodeChildren(parts[1].value).map(decodeUtf8)
  }
  checkItems(scope.namePrefixes, 'name prefixes')
  checkItems(scope.capabilities, 'capabilities')
  return scope
}

export function encodeNodeBinding (binding: NodeBinding): Uint8Array {
  checkItems([binding.peerId, binding.level], 'node binding')
  return encodeSequence([encodeUtf8String(binding.peerId), encodeUtf8String(binding.level)])
}

export function decodeNodeBinding (bytes: Uint8Array): NodeBinding {
  const parts = decodeChildren(decodeOne(bytes, TAG_SEQUENCE))
  if (parts.length !== 2) throw new MalformedTrustDataError('node binding: expected peerId and level')
  const binding = { peerId: decodeUtf8(parts[0]), level: decodeUtf8(parts[1]) }
  checkItems([binding.peerId, binding.level], 'node binding')
  return binding
}

/** True when `name` starts with one of the scope's prefixes. */
export function nameInScope (scope: Scope, name: string): boolean {
  return scope.namePrefixes.some(prefix => name.startsWith(prefix))
}

/** The requested capabilities the scope does not allow (empty when all are allowed). */
export function capabilitiesOutsideScope (scope: Scope, capabilities: readonly string[]): string[] {
  return capabilities.filter(c => !scope.capabilities.includes(c))
}

/** True when every name `inner` allows is also allowed by `outer`, and likewise for capabilities. */
export function scopeWithin (inner: Scope, outer: Scope): boolean {
  return inner.namePrefixes.every(p => nameInScope(outer, p)) &&
    capabilitiesOutsideScope(outer, inner.capabilities).length === 0
}

/** The ML-DSA-65 public key extension: one OCTET STRING holding the FIPS 204 encoded key. */
export function encodePostQuantumKey (publicKey: Uint8Array): Uint8Array {
  return encodeTlv(TAG_OCTET_STRING, publicKey)
}

export function decodePostQuantumKey (bytes: Uint8Array, expectedLength: number): Uint8Array {
  const key = decodeOne(bytes, TAG_OCTET_STRING)
  if (key.length !== expectedLength) throw new MalformedTrustDataError(`post-quantum key of ${key.length} bytes, expected ${expectedLength}`)
  return new Uint8Array(key)
}
