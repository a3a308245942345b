/**
 * The registry: publish, find and fetch signed packages through the private Kademlia DHT
 * (protocols/registry/SPEC.md).
 *
 * - A package name's record lives under `/hmpkg/<name>`: a DSSE-signed list of versions
 *   (manifest digest, content root, size, assets, category) with a sequence and an expiry,
 *   signed by a publisher certificate chaining to the mesh's trust anchors.
 * - `registryDht` gives the kad-dht validator and selector (every node refuses bad, expired,
 *   revoked, out-of-scope and rolled-back records) and the persisted sequence marks.
 * - `createRegistry` gives the `Registry` (publish, resolve, info, search, fetch, republish)
 *   and serves `/hypermesh/catalog/1.0.0`, the list of records a node publishes. Discovery uses
 *   provider records on well-known keys per category and asset type.
 *
 * ```ts
 * const trust = await loadTrust(dataDir)
 * const dht = registryDht({ trustStore: trust.store })
 * const node = await createNode(config, { validators: dht.validators, selectors: dht.selectors, services: { stoq: stoq({ store }) } })
 * const registry = await createRegistry({ libp2p: node.libp2p, datastore: node.datastore, store, transfer: node.libp2p.services.stoq, trustStore: trust.store, marks: dht.marks, dataDir })
 * await node.start(); await registry.start()
 * ```
 */
import type { Validators, Selectors } from '@libp2p/kad-dht'
import type { ChainContext } from '../trust/index.ts'
import { SequenceMarks } from './marks.ts'
import { Registry } from './registry.ts'
import type { RegistryInit } from './registry.ts'
import { registrySelectors, registryValidators } from './validator.ts'

export * from './constants.ts'
export * from './errors.ts'
export {
  recordBodySchema, recordVersionSchema, recordKey, nameFromKey, isPackageName, encodeRecordBody, encodeRecordEnvelope, decodeRecord
} from './record.ts'
export type { RecordBody, RecordVersion, DecodedRecord } from './record.ts'
export { signRecord } from './sign-record.ts'
export type { SignRecordParams } from './sign-record.ts'
export { verifyRecord, requestedCapabilities } from './verify-record.ts'
export type { VerifiedRecord, VerifyRecordOptions } from './verify-record.ts'
export { registryValidators, registrySelectors, selectBestRecord } from './validator.ts'
export type { RegistryValidatorInit } from './validator.ts'
export { SequenceMarks } from './marks.ts'
export { versionEntry, mergeVersions, nextRecordBody, fitRecord } from './build-record.ts'
export { discoveryKey, contentKey, discoveryKeysFor, discoveryKeyForFilter } from './discovery-keys.ts'
export { matchesFilter, newestMatching } from './filter.ts'
export type { SearchFilter } from './filter.ts'
export { CATALOG_STATUS, encodeCatalogMessage, decodeCatalogRequest, decodeCatalogResponse } from './catalog-wire.ts'
export type { CatalogRequest, CatalogResponse } from './catalog-wire.ts'
export { queryCatalog, startCatalogServer, MAX_CATALOG_PAGES } from './catalog.ts'
export { parsePackageSpec, InvalidVersionRangeError } from './spec.ts'
export { toCredentials, PUBLISHERS_DIR } from './publishers.ts'
export type { PublisherCredentials } from './publishers.ts'
export {
  Registry, DEFAULT_REPUBLISH_CHECK_MS, DEFAULT_SEARCH_PROVIDERS_TIMEOUT_MS, MAX_SEARCH_PEERS, DEFAULT_LOOKUP_TIMEOUT_MS
} from './registry.ts'
export type { RegistryInit, RegistryLibp2p, PublishOptions, PublishResult, ResolveResult, FetchResult } from './registry.ts'
export { METADATA_FILE, readMetadata } from './metadata.ts'
export { judgeRecords, summarize } from './judge.ts'
export type { PackageInfo, JudgeContext, RecordSightings } from './judge.ts'
export { checkManifest } from './check-manifest.ts'
export { lookupRecord, RESOLVE_QUORUM } from './lookup.ts'
export type { LookupContext } from './lookup.ts'
export type { PublishProgress, SearchProgress, FetchProgress } from './progress.ts'
export { PublishProofChecker, PublishProofMissingError, proofCid, MAX_PROOF_BYTES } from './publish-proof.ts'
export type { PublishProofs } from './publish-proof.ts'

/**
 * What createNode needs from the registry, built before the node: the kad-dht validator and
 * selector for `/hmpkg/`, and the sequence marks they share with the Registry (opened on the
 * node's datastore by createRegistry, before the node starts).
 */
export function registryDht (init: { trustStore: ChainContext, now?: () => Date }): { validators: Validators, selectors: Selectors, marks: SequenceMarks } {
  const marks = new SequenceMarks()
  return {
    validators: registryValidators({ trustStore: init.trustStore, marks, now: init.now }),
    selectors: registrySelectors(),
    marks
  }
}

/** Opens the marks on the node's datastore (loading what earlier runs saw) and builds the Registry; call `start()` after the node starts. */
export async function createRegistry (init: RegistryInit): Promise<Registry> {
  await init.marks.open(init.datastore)
  return new Registry(init)
}
export {
  publishRequest, searchRequest, infoRequest, fetchRequest, publishedRequest, InvalidRegistryRequestError,
  publishRequestSchema, searchRequestSchema, fetchRequestSchema, infoRequestSchema
} from './requests.ts'
