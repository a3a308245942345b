import { logger } from '@libp2p/logger'
import type { FastifyInstance } from 'fastify'
import { createNode, dataDirPaths, readApiToken, removeApiFile, writeApiFile } from '../node/index.ts'
import { createStore } from '../store/index.ts'
import type { ChunkStore } from '../store/index.ts'
import { stoq } from '../transfer/index.ts'
import { createRegistry, registryDht } from '../registry/index.ts'
import type { Registry } from '../registry/index.ts'
import { loadTrust } from '../trust/index.ts'
import { consensusInitFromTrustRoot, consensusService, defaultPlotPath } from '../consensus/index.ts'
import type { ConsensusService } from '../consensus/index.ts'
import { AssetManager } from '../assets/index.ts'
import { ExtensionManager, consensusProofVerifier, trustChainVerifier } from '../extension-manager/index.ts'
import type { LoadedTrust } from '../trust/index.ts'
import type { Stoq } from '../transfer/index.ts'
import type { Config, HyperMeshNode } from '../node/index.ts'
import { createApiServer } from './server.ts'
import { dhtRoutes } from './routes/dht.ts'
import { nodeRoutes } from './routes/node.ts'
import { transferRoutes } from './routes/transfer.ts'
import { registryRoutes } from './routes/registry.ts'
import { consensusRoutes } from './routes/consensus.ts'
import { extensionRoutes } from './routes/extensions.ts'
import { trustRoutes } from './routes/trust.ts'
import { RevocationSpread } from './revocations.ts'
import { publishProofs } from './publish-proofs.ts'

const log = logger('hypermesh:daemon')

export interface DaemonServices extends Record<string, unknown> {
  stoq: Stoq
  /** Present when the data dir holds a mesh root: proofs need its validators and profile. */
  consensus?: ConsensusService
}

export interface Daemon {
  node: HyperMeshNode<DaemonServices>
  store: ChunkStore
  trust: LoadedTrust
  registry: Registry
  assets: AssetManager
  extensions: ExtensionManager
  api: FastifyInstance
  /** The control API's base URL, e.g. http://127.0.0.1:5201 */
  url: string
  /** Resolves once the daemon has fully stopped (API closed, node stopped, datastore closed). */
  stopped: Promise<void>
  stop: () => Promise<void>
}

/**
 * Starts a daemon: the node first (its LevelDB lock fails fast if the data dir is busy), then the
 * control API on loopback, then `api.json` so the CLI can find it.
 */
export async function startDaemon (config: Config): Promise<Daemon> {
  const token = await readApiToken(config.dataDir)
  // trust comes first: the DHT's record validators need the anchors before the node exists
  const trust = await loadTrust(config.dataDir)
  const dht = registryDht({ trustStore: trust.store })
  const revocations = new RevocationSpread({ dataDir: config.dataDir, trustStore: trust.store })
  const paths = dataDirPaths(config.dataDir)
  let store!: ChunkStore
  const node = await createNode<DaemonServices>(config, {
    validators: { ...dht.validators, ...revocations.validators },
    selectors: { ...dht.selectors, ...revocations.selectors },
    // the chunk store opens after the data dir's lock is held, so a busy data dir fails cleanly
    services: async ({ privateKey }) => {
      store = await createStore({ dir: paths.store, quota: config.store.quotaBytes })
      const services: Record<string, (components: any) => unknown> = { stoq: stoq({ store }) }
      const meshRoot = trust.store.meshRoot
      // a mesh root without validators has nobody to sign stake or beacons: no proofs to make
      if (meshRoot != null && meshRoot.signed.validators.length > 0) {
        services.consensus = consensusService(consensusInitFromTrustRoot(meshRoot.signed, privateKey, {
          validator: config.consensus.validator,
          plotPath: defaultPlotPath(config.dataDir, meshRoot.signed.consensus.profile)
        }))
      } else {
        log('no mesh root with validators installed: consensus proofs are unavailable (hypermesh trust install-root)')
      }
      return { services: services as any, close: async () => store.close() }
    }
  })
  let registry: Registry
  let assets: AssetManager
  let extensions: ExtensionManager
  const consensus = node.libp2p.services.consensus
  try {
    registry = await createRegistry({
      libp2p: node.libp2p as any,
      datastore: node.datastore,
      store,
      transfer: node.libp2p.services.stoq,
      trustStore: trust.store,
      marks: dht.marks,
      dataDir: config.dataDir,
      recordLifetimeMs: config.registry.recordLifetimeMs,
      republishCheckMs: config.registry.republishCheckMs,
      // with validators in the mesh, every published version carries a consensus proof and fetches check it
      proofs: consensus != null ? publishProofs(consensus) : undefined
    })
    assets = await AssetManager.open({ path: paths.assets })
    extensions = new ExtensionManager(assets, {
      directories: [paths.extensions],
      path: paths.extensionState,
      signatureVerifier: trustChainVerifier(trust.store),
      // with validators in the mesh, installs and critical calls must carry a valid proof
      proofVerifier: consensus != null ? consensusProofVerifier(consensus.verifier, node.peerId) : undefined
    })
  } catch (err) {
    await node.stop().catch(() => {})
    throw err
  }
  // a revoked publisher's extensions stop as soon as the list arrives, not at the next restart
  revocations.onApplied = () => {
    extensions.recheckTrust()
      .then(ids => { if (ids.length > 0) log('stopped extensions whose signature no longer verifies: %s', ids.join(', ')) })
      .catch(err => log.error('re-checking extensions after a revocation: %e', err))
  }
  const api = createApiServer({ token, bodyLimit: config.api.bodyLimit })
  let resolveStopped!: () => void
  const stopped = new Promise<void>(resolve => { resolveStopped = resolve })
  let stopping: Promise<void> | undefined

  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      log('stopping')
      await removeApiFile(config.dataDir).catch(() => {})
      await api.close().catch(err => log.error('api close: %e', err))
      await extensions.stop().catch(err => log.error('extensions stop: %e', err))
      await assets.close().catch(err => log.error('assets close: %e', err))
      await registry.stop().catch(err => log.error('registry stop: %e', err))
      await revocations.stop().catch(err => log.error('revocations stop: %e', err))
      await node.stop()
      resolveStopped()
    })()
    return stopping
  }

  nodeRoutes(api, { node, shutdown: () => { stop().catch(err => log.error('stop: %e', err)) } })
  dhtRoutes(api, { node })
  transferRoutes(api, { store, stoq: node.libp2p.services.stoq })
  registryRoutes(api, { registry })
  consensusRoutes(api, { consensus })
  trustRoutes(api, { revocations })
  extensionRoutes(api, { registry, extensions, consensus, tmpDir: config.dataDir })

  try {
    await node.start()
    await registry.start()
    revocations.start(node)
    await extensions.start()
    await api.listen({ host: config.api.host, port: config.api.port })
  } catch (err) {
    await stop().catch(() => {})
    throw err
  }
  const address = api.server.address()
  const port = typeof address === 'object' && address != null ? address.port : config.api.port
  const url = `http://${config.api.host}:${port}`
  await writeApiFile(config.dataDir, { url, pid: process.pid, peerId: node.peerId })
  log('control API on %s', url)
  return { node, store, trust, registry, assets, extensions, api, url, stopped, stop }
}
