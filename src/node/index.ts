/**
 * Node assembly: config and its defaults (one place), the data dir, the persisted identity and
 * `createNode`, which builds the libp2p node (TCP, QUIC, Noise, Yamux, identify, ping and the
 * private Kademlia DHT) on the data dir's LevelDB.
 */
export * from './defaults.ts'
export { ConfigSchema, InvalidConfigError, resolveConfig, defaultConfig, configFromEnv } from './config.ts'
export type { Config, ConfigLayer, ConfigLayers } from './config.ts'
export { initDataDir, loadIdentity, openDatastore, readSwarmKey, ensurePrivateDir, DataDirInUseError, DataDirExistsError } from './data-dir.ts'
export type { InitOptions, InitResult } from './data-dir.ts'
export {
  defaultDataDir, dataDirPaths, readApiToken, readConfigFile, writeApiFile, readApiFile, removeApiFile, writeFileAtomic,
  DataDirNotInitializedError, DataDirCorruptError
} from './files.ts'
export type { ApiFile } from './files.ts'
export { createNode } from './node.ts'
export type { HyperMeshNode, CreateNodeInit, ServiceFactories } from './node.ts'
export { buildLibp2p, joinMesh } from './create-node.ts'
export type { HyperMeshLibp2p, CoreServices } from './create-node.ts'
export { dhtPut, dhtGet, dhtGetLocal, DhtPutRejectedError, DhtValueNotFoundError } from './dht.ts'
export type { DhtPutOptions, PutResult, DhtProgressEvents } from './dht.ts'
export { testRecordKey, apiRecordKey, TEST_NAMESPACE, MAX_TEST_VALUE_BYTES, DhtValueTooLargeError, InvalidDhtKeyError } from './dht-test-records.ts'
