import { logger } from '@libp2p/logger'
import type { FastifyInstance } from 'fastify'
import { createNode, readApiToken, removeApiFile, writeApiFile } from '../node/index.ts'
import type { Config, HyperMeshNode } from '../node/index.ts'
import { createApiServer } from './server.ts'
import { dhtRoutes } from './routes/dht.ts'
import { nodeRoutes } from './routes/node.ts'

const log = logger('hypermesh:daemon')

export interface Daemon {
  node: HyperMeshNode<any>
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
  const node = await createNode(config)
  const api = createApiServer({ token, bodyLimit: config.api.bodyLimit })
  let resolveStopped!: () => void
  const stopped = new Promise<void>(resolve => { resolveStopped = resolve })
  let stopping: Promise<void> | undefined

  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      log('stopping')
      await removeApiFile(config.dataDir).catch(() => {})
      await api.close().catch(err => log.error('api close: %e', err))
      await node.stop()
      resolveStopped()
    })()
    return stopping
  }

  nodeRoutes(api, { node, shutdown: () => { stop().catch(err => log.error('stop: %e', err)) } })
  dhtRoutes(api, { node })

  try {
    await node.start()
    await api.listen({ host: config.api.host, port: config.api.port })
  } catch (err) {
    await api.close().catch(() => {})
    await node.stop().catch(() => {})
    throw err
  }
  const address = api.server.address()
  const port = typeof address === 'object' && address != null ? address.port : config.api.port
  const url = `http://${config.api.host}:${port}`
  await writeApiFile(config.dataDir, { url, pid: process.pid, peerId: node.peerId })
  log('control API on %s', url)
  return { node, api, url, stopped, stop }
}
