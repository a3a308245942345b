import type { FastifyInstance } from 'fastify'
import { resolve } from 'node:path'
import { ExtensionNotFoundError, readPackageDir } from '../../extension-manager/index.ts'
import type { ExtensionManager } from '../../extension-manager/index.ts'
import { BadRequestError } from '../errors.ts'
import { installFromRegistry, makeInstallProof } from '../install.ts'
import type { InstallDeps } from '../install.ts'
import { streamOperation } from '../ndjson.ts'
import { API_PREFIX } from '../server.ts'

/**
 * Extensions through the control API: list, info, install (a signed package directory, or a
 * registry name), load, unload, reload and call. Long steps stream NDJSON progress.
 */
export function extensionRoutes (app: FastifyInstance, deps: InstallDeps & { extensions: ExtensionManager }): void {
  const base = `${API_PREFIX}/extensions`
  const { extensions } = deps
  const id = (request: any): string => String(request.params.id)

  app.get(base, async () => extensions.listExtensions())

  app.get(`${base}/:id`, async (request) => {
    const info = extensions.getExtension(id(request))
    if (info == null) throw new ExtensionNotFoundError(id(request))
    return info
  })

  app.post(`${base}/install`, async (request, reply) => {
    const body = (request.body ?? {}) as { dir?: unknown, name?: unknown, consensusProof?: unknown }
    if ((typeof body.dir === 'string') === (typeof body.name === 'string')) {
      throw new BadRequestError('body must be {"dir": "/abs/path"} or {"name": "pkg@range"}, with an optional "consensusProof"')
    }
    await streamOperation(reply, async (onProgress, signal) => {
      if (typeof body.name === 'string') {
        return installFromRegistry(deps, body.name, { signal, onProgress, consensusProof: body.consensusProof })
      }
      const dir = resolve(body.dir as string)
      const consensusProof = body.consensusProof ?? await makeInstallProof(deps.consensus, (await readPackageDir(dir)).digest, { signal, onProgress })
      return extensions.installExtension(dir, { signal, onProgress, consensusProof })
    })
  })

  app.post(`${base}/:id/load`, async (request, reply) => {
    await streamOperation(reply, async (onProgress, signal) => extensions.loadExtension(id(request), { signal, onProgress }))
  })

  app.post(`${base}/:id/unload`, async (request) => {
    await extensions.unloadExtension(id(request))
    return extensions.getExtension(id(request))
  })

  app.post(`${base}/:id/reload`, async (request, reply) => {
    const body = (request.body ?? {}) as { dir?: unknown }
    await streamOperation(reply, async (onProgress, signal) => extensions.reloadExtension(id(request), {
      signal, onProgress, dir: typeof body.dir === 'string' ? resolve(body.dir) : undefined
    }))
  })

  app.post(`${base}/:id/call`, async (request) => {
    const body = (request.body ?? {}) as { method?: unknown, args?: unknown, proof?: unknown }
    if (typeof body.method !== 'string') throw new BadRequestError('body must be {"method": "name", "args": [...]}')
    const args = Array.isArray(body.args) ? body.args : []
    return { result: await extensions.call(id(request), body.method, args, { proof: body.proof }) }
  })
}
