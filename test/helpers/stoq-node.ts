import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import type { Libp2p } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { createStore } from '../../src/store/index.ts'
import type { ChunkStore } from '../../src/store/index.ts'
import { stoq, fastNoise } from '../../src/transfer/index.ts'
import type { Stoq, StoqInit } from '../../src/transfer/index.ts'

export interface StoqNode {
  node: Libp2p<{ stoq: Stoq }>
  store: ChunkStore
  stoq: Stoq
  dir: string
  /** The node's listen address for `transport`, with /p2p/. */
  addr: (transport: 'tcp' | 'quic') => string
  stop: () => Promise<void>
}

/** A bare libp2p node (TCP + QUIC on 127.0.0.1, Noise, Yamux) with a chunk store and STOQ; nothing else. */
export async function createStoqNode (options: { dir?: string, init?: Omit<StoqInit, 'store'>, wrapStore?: (store: ChunkStore) => ChunkStore, noiseFix?: boolean } = {}): Promise<StoqNode> {
  const dir = options.dir ?? await mkdtemp(join(tmpdir(), 'hm-stoq-'))
  const store = await createStore({ dir: join(dir, 'store') })
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1'] },
    transports: [tcp(), quic()],
    connectionEncrypters: [options.noiseFix === true ? fastNoise() : noise()],
    streamMuxers: [yamux()],
    services: { stoq: stoq({ ...options.init, store: options.wrapStore?.(store) ?? store }) }
  })
  const addr = (transport: 'tcp' | 'quic'): string => {
    const a = node.getMultiaddrs().map(m => m.toString()).find(s => transport === 'tcp' ? s.includes('/tcp/') : s.includes('/quic-v1'))
    if (a === undefined) throw new Error(`no ${transport} address`)
    return a
  }
  return {
    node, store, stoq: node.services.stoq, dir, addr,
    stop: async () => { await node.stop(); await store.close() }
  }
}
