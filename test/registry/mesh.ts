import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { LevelDatastore } from 'datastore-level'
import { buildLibp2p, defaultConfig } from '../../src/node/index.ts'
import type { HyperMeshLibp2p } from '../../src/node/index.ts'
import { createRegistry, registryDht } from '../../src/registry/index.ts'
import type { Registry } from '../../src/registry/index.ts'
import { createStore } from '../../src/store/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'
import { stoq } from '../../src/transfer/index.ts'
import type { Stoq } from '../../src/transfer/index.ts'
import type { TrustStore } from '../../src/trust/index.ts'

/** One in-process node as the daemon will assemble it: real LevelDB, chunk store, private DHT, STOQ, registry. */
export interface RegistryNode {
  dir: string
  key: PrivateKey
  libp2p: HyperMeshLibp2p<{ stoq: Stoq }>
  datastore: LevelDatastore
  store: ChunkStore
  registry: Registry
  stop: () => Promise<void>
}

export interface NodeOptions {
  trustStore: TrustStore
  /** Reuse a data dir and identity (restart). */
  dir?: string
  key?: PrivateKey
  recordLifetimeMs?: number
  republishCheckMs?: number
}

export async function startNode (options: NodeOptions): Promise<RegistryNode> {
  const dir = options.dir ?? await mkdtemp(join(tmpdir(), 'hm-registry-node-'))
  const key = options.key ?? await generateKeyPair('Ed25519')
  const datastore = new LevelDatastore(join(dir, 'datastore'))
  await datastore.open()
  const store = await createStore({ dir: join(dir, 'store') })
  const dht = registryDht({ trustStore: options.trustStore })
  const config = { ...defaultConfig(), dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'] }
  const libp2p = await buildLibp2p<{ stoq: Stoq }>({
    config, privateKey: key, datastore, validators: dht.validators, selectors: dht.selectors, services: { stoq: stoq({ store }) }
  })
  const registry = await createRegistry({
    libp2p, datastore, store, transfer: libp2p.services.stoq, trustStore: options.trustStore, marks: dht.marks, dataDir: dir,
    recordLifetimeMs: options.recordLifetimeMs, republishCheckMs: options.republishCheckMs
  })
  await libp2p.start()
  await registry.start()
  return {
    dir, key, libp2p, datastore, store, registry,
    stop: async () => {
      await registry.stop()
      await libp2p.stop()
      await store.close()
      await datastore.close()
    }
  }
}

/** Dials every pair and waits until each node's DHT routing table holds all the others. */
export async function connectAll (nodes: RegistryNode[]): Promise<void> {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) await nodes[i].libp2p.dial(nodes[j].libp2p.getMultiaddrs()[0])
  }
  const deadline = Date.now() + 10_000
  while (nodes.some(n => (n.libp2p.services.dht as any).routingTable.size < nodes.length - 1)) {
    if (Date.now() > deadline) throw new Error('routing tables did not fill')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

