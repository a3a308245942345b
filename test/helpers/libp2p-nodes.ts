import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryDatastore } from 'datastore-core'
import { buildLibp2p, defaultConfig } from '../../src/node/index.ts'
import type { HyperMeshLibp2p } from '../../src/node/index.ts'

/** Starts `count` HyperMesh libp2p nodes in this process, on TCP at 127.0.0.1, with default config and data dirs under `dir`. */
export async function startLibp2pNodes (dir: string, count: number): Promise<HyperMeshLibp2p[]> {
  const nodes: HyperMeshLibp2p[] = []
  for (let i = 0; i < count; i++) {
    const config = { ...defaultConfig(), dataDir: join(dir, String(i)), listen: ['/ip4/127.0.0.1/tcp/0'] }
    const node = await buildLibp2p({ config, privateKey: await generateKeyPair('Ed25519'), datastore: new MemoryDatastore() })
    await node.start()
    nodes.push(node)
  }
  return nodes
}
