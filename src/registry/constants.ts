/**
 * Wire constants and limits of the registry (protocols/registry/SPEC.md is the source of truth;
 * every number there is one of these).
 */

/** The DHT key namespace of package records: `/hmpkg/<name>`; kad-dht picks validators by it. */
export const RECORD_NAMESPACE = 'hmpkg'

/** DSSE payload type of a registry record, so a record signature is never valid as a manifest signature. */
export const RECORD_PAYLOAD_TYPE = 'application/vnd.hypermesh.registry-record+json'

/** The `type` field of a record body; the version moves only with an incompatible format change. */
export const RECORD_TYPE = 'hypermesh.registry.record/1'

/**
 * Largest DHT value (the envelope's bytes). kad-dht drops values near 5 MiB without an error and
 * every record is held by ~20 peers; 64 KiB holds the 64 newest versions plus a two-certificate
 * chain with room to spare.
 */
export const MAX_RECORD_BYTES = 64 * 1024

/** Most versions one record lists; older versions drop out of the record (their manifests stay fetchable by CID). */
export const MAX_RECORD_VERSIONS = 64

/** Default record lifetime: long enough to survive a publisher's short outage, short enough to bound a freeze. */
export const DEFAULT_RECORD_LIFETIME_MS = 24 * 60 * 60 * 1000

/** Longest lifetime a validator accepts: a withheld record can freeze a name for at most a week. */
export const MAX_RECORD_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000

/** Clock skew tolerated between publisher and validator when checking `issued` and the lifetime cap. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000

/** The catalog protocol: a peer's own published records, on request. */
export const CATALOG_PROTOCOL = '/hypermesh/catalog/1.0.0'

/** Largest catalog request; a filter is a few short strings. */
export const MAX_CATALOG_REQUEST_BYTES = 4 * 1024

/** Largest catalog response frame: 16 records at the record cap. */
export const MAX_CATALOG_RESPONSE_BYTES = 16 * MAX_RECORD_BYTES

/** Most records in one catalog response; the client pages with `after` for more. */
export const MAX_CATALOG_PAGE = 16

/** How long one catalog exchange may take before the stream is aborted (both sides). */
export const CATALOG_TIMEOUT_MS = 5_000

/** Prefix of the strings whose hashes are the discovery keys (protocols/registry/SPEC.md, "Discovery"). */
export const DISCOVERY_PREFIX = 'hypermesh/registry/discovery/1/'

/** Longest category, asset type, title or search text we carry: identifiers, not documents. */
export const MAX_LABEL_LENGTH = 128

/** Prefix of the strings whose hashes are content provider keys (SPEC.md, "Provider keys"). */
export const CONTENT_KEY_PREFIX = 'hypermesh/registry/content/1/'

/** Most content providers a fetch hands to STOQ; STOQ uses at most its own maxProviders of them. */
export const MAX_FETCH_PROVIDERS = 16
