/**
 * HyperMesh as a library: `createNode()` builds the node (libp2p with our transports and the
 * private DHT, on a data dir) and `startDaemon()` runs it with every service and the control
 * API, as `hypermesh daemon` does. Each area's contract is reachable under its own name, so an
 * embedder imports one module and names never collide across areas.
 */
export { createNode, resolveConfig, initDataDir } from './node/index.ts'
export type { HyperMeshNode, CreateNodeInit, Config } from './node/index.ts'
export { startDaemon } from './daemon/index.ts'
export { HyperMeshError } from './util/index.ts'

export * as node from './node/index.ts'
export * as store from './store/index.ts'
export * as pkg from './package/index.ts'
export * as transfer from './transfer/index.ts'
export * as trust from './trust/index.ts'
export * as registry from './registry/index.ts'
export * as consensus from './consensus/index.ts'
export * as assets from './assets/index.ts'
export * as extensions from './extension-manager/index.ts'
export * as daemon from './daemon/index.ts'
