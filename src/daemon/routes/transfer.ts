import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { logger } from '@libp2p/logger'
import { pack, unpack } from '../../package/index.ts'
import type { ChunkStore } from '../../store/index.ts'
import type { Stoq } from '../../transfer/index.ts'
import { BadRequestError } from '../errors.ts'
import { streamOperation } from '../ndjson.ts'
import { API_PREFIX } from '../server.ts'

const log = logger('hypermesh:daemon:transfer')

export interface TransferRoutesInit {
  store: ChunkStore
  stoq: Stoq
}

function optionalStrings (v: unknown, field: string): string[] | undefined {
  if (v === undefined) return undefined
  if (!Array.isArray(v) || v.some(x => typeof x !== 'string')) throw new BadRequestError(`"${field}" must be an array of strings`)
  return v
}

function optionalNumber (v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new BadRequestError(`"${field}" must be a positive number`)
  return v
}

/**
 * STOQ through the control API: `add` packs a path into the chunk store and provides it; `get`
 * fetches a root or manifest from providers (given or found in the DHT) and optionally unpacks it.
 * Both stream NDJSON progress and end with `{result}`.
 */
export function transferRoutes (app: FastifyInstance, { store, stoq }: TransferRoutesInit): void {
  app.post(`${API_PREFIX}/add`, async (request, reply) => {
    const body = (request.body ?? {}) as { path?: unknown, chunkSize?: unknown, meta?: unknown, provide?: unknown }
    if (typeof body.path !== 'string') throw new BadRequestError('body must be {"path": "/abs/path", "chunkSize"?, "meta"?}')
    const path = resolve(body.path)
    const chunkSize = optionalNumber(body.chunkSize, 'chunkSize')
    await streamOperation(reply, async (onProgress, signal) => {
      const packed = await pack(path, store, { chunkSize, meta: body.meta as any, signal, onProgress })
      let provided = true
      if (body.provide !== false) {
        // providing needs DHT peers; a lone node still has the content, so this is not fatal
        try {
          await stoq.provide(packed.manifestCid, { signal })
          await stoq.provide(packed.root, { signal })
        } catch (err: any) {
          provided = false
          log('could not provide %s: %s', packed.root, err.message)
        }
      }
      return { manifestCid: packed.manifestCid.toString(), root: packed.root.toString(), size: packed.size, provided, manifest: packed.manifest }
    })
  })

  app.post(`${API_PREFIX}/get`, async (request, reply) => {
    const body = (request.body ?? {}) as { cid?: unknown, from?: unknown, out?: unknown, maxSize?: unknown, bytesPerSecond?: unknown }
    if (typeof body.cid !== 'string') throw new BadRequestError('body must be {"cid": "...", "from"?: [multiaddr], "out"?: dir}')
    const providers = optionalStrings(body.from, 'from')
    const maxSize = optionalNumber(body.maxSize, 'maxSize')
    const bytesPerSecond = optionalNumber(body.bytesPerSecond, 'bytesPerSecond')
    if (body.out !== undefined && typeof body.out !== 'string') throw new BadRequestError('"out" must be a directory path')
    const cid = body.cid
    await streamOperation(reply, async (onProgress, signal) => {
      const fetched = await stoq.fetch(cid, { providers, maxSize, bytesPerSecond, signal, onProgress })
      let unpacked
      if (typeof body.out === 'string') {
        if (fetched.manifest == null) throw new BadRequestError('only a manifest CID can be unpacked into a directory (this CID is a bare content root)')
        unpacked = await unpack(fetched.manifest, store, resolve(body.out), { signal, onProgress })
      }
      const { manifest, ...rest } = fetched
      return { ...rest, manifestName: manifest?.name, unpacked }
    })
  })

  app.get(`${API_PREFIX}/store`, async () => store.usage())
}
