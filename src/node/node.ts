import type { PrivateKey, ServiceMap } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import type { Validators, Selectors } from '@libp2p/kad-dht'
import type { LevelDatastore } from 'datastore-level'
import type { Config } from './config.ts'
import { buildLibp2p, joinMesh } from './create-node.ts'
import type { HyperMeshLibp2p } from './create-node.ts'
import { loadIdentity, openDatastore, readSwarmKey } from './data-dir.ts'
import { PeerRecordCache } from './peer-record-cache.ts'
import { dhtGet, dhtGetLocal, dhtPut } from './dht.ts'
import type { PutResult, DhtProgressEvents } from './dht.ts'
import { apiRecordKey, InvalidDhtKeyError } from './dht-test-records.ts'
import { startRoutingTableFeeder } from './routing-table-feeder.ts'
import type { RoutingTableFeeder } from './routing-table-feeder.ts'
import type { OperationOptions } from '../util/progress.ts'

const log = logger('hypermesh:node')

export interface HyperMeshNode<S extends ServiceMap = ServiceMap> {
  readonly config: Config
  readonly libp2p: HyperMeshLibp2p<S>
  readonly datastore: LevelDatastore
  readonly peerId: string
  readonly startedAt: number
  start: () => Promise<void>
  /** Stops libp2p, then closes the datastore; safe to call twice. */
  stop: () => Promise<void>
  /**
   * DHT values for the control API: `name` is a `/hmtest/` name or a full key. A put is checked
   * by this node's own validator first, so it never stores or spreads what it would refuse.
   */
  putValue: (name: string, value: Uint8Array, options?: OperationOptions<DhtProgressEvents>) => Promise<PutResult>
  getValue: (name: string, options?: OperationOptions & { local?: boolean }) => Promise<Uint8Array>
}

export type ServiceFactories<S extends ServiceMap> = { [K in keyof S]: (components: any) => S[K] }

export interface CreateNodeInit<S extends ServiceMap = ServiceMap> {
  validators?: Validators
  selectors?: Selectors
  /**
   * More libp2p services. Given as a function, it runs after the data dir's lock is taken, so
   * services may open their own files in the data dir (the chunk store) without racing another
   * daemon; `close` hooks run after libp2p stops, in reverse order.
   */
  services?: ServiceFactories<S> | ((ctx: { datastore: LevelDatastore, privateKey: PrivateKey }) => Promise<{ services: ServiceFactories<S>, close?: () => Promise<void> }>)
}

/**
 * Assembles a node from a resolved config: opens the data dir's LevelDB first (its lock is the
 * "one process per data dir" guard, so a second daemon fails before it binds a port), loads the
 * persisted identity, and builds libp2p on them.
 */
export async function createNode<S extends ServiceMap = ServiceMap> (config: Config, init: CreateNodeInit<S> = {}): Promise<HyperMeshNode<S>> {
  const datastore = await openDatastore(config.dataDir)
  const peerRecords = new PeerRecordCache(datastore)
  let libp2p: HyperMeshLibp2p<S>
  let closeServices: (() => Promise<void>) | undefined
  try {
    const privateKey = await loadIdentity(config.dataDir)
    const swarmKey = await readSwarmKey(config.dataDir)
    let services = init.services as ServiceFactories<S> | undefined
    if (typeof init.services === 'function') {
      const prepared = await init.services({ datastore, privateKey })
      services = prepared.services
      closeServices = prepared.close
    }
    libp2p = await buildLibp2p<S>({ config, privateKey, datastore: peerRecords, swarmKey, validators: init.validators, selectors: init.selectors, services })
  } catch (err) {
    await closeServices?.().catch(() => {})
    await datastore.close()
    throw err
  }
  let stopped = false
  let feeder: RoutingTableFeeder | undefined
  const node: HyperMeshNode<S> = {
    config,
    libp2p,
    datastore,
    peerId: libp2p.peerId.toString(),
    startedAt: Date.now(),
    async start () {
      await libp2p.start()
      log('started %p on %s', libp2p.peerId, libp2p.getMultiaddrs().map(String).join(', '))
      // joining runs in the background: the API is useful before the mesh answers
      joinMesh(libp2p, config).catch(err => log.error('join failed: %e', err))
      feeder = startRoutingTableFeeder({ dht: libp2p.services.dht, peerStore: libp2p.peerStore, getConnections: () => libp2p.getConnections() }, config.dht.protocol)
    },
    async stop () {
      if (stopped) return
      stopped = true
      feeder?.stop()
      await libp2p.stop()
      await peerRecords.flush()
      await closeServices?.()
      await datastore.close()
      log('stopped')
    },
    async putValue (name, value, options) {
      const key = apiRecordKey(name)
      const namespace = new TextDecoder().decode(key).split('/')[1]
      const validate = libp2p.services.dht.validators[namespace]
      if (validate == null) throw new InvalidDhtKeyError(`no validator for DHT namespace "${namespace}"`)
      await validate(key, value, { signal: options?.signal })
      return dhtPut(libp2p.services.dht, key, value, {
        ...options,
        allowZeroPeers: libp2p.getConnections().length === 0
      })
    },
    async getValue (name, options = {}) {
      const key = apiRecordKey(name)
      if (options.local === true) return dhtGetLocal(datastore, key)
      return dhtGet(libp2p.services.dht, key, options)
    }
  }
  return node
}
