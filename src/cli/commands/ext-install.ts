import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { EXTENSIONS_API, extensionDetails } from './ext-format.ts'
import type { ExtensionInfo } from '../../extension-manager/index.ts'
import type { CommandRun } from '../context.ts'

/**
 * `ext install DIR|NAME[@RANGE]`: the daemon checks the signed package directory (schema, content
 * root, signature, host range), verifies the install proof when one is required, copies it into
 * its extensions directory atomically and loads it, dependencies first. A registry name is
 * fetched from the mesh first (and its dependencies installed from the registry).
 */
export const run: CommandRun = async (ctx, [target], opts) => {
  // a directory on this host is a signed package; anything else is a registry name[@range]
  const isDir = await stat(resolve(target)).then(s => s.isDirectory(), () => false)
  const body: { dir?: string, name?: string, consensusProof?: unknown } = isDir ? { dir: resolve(target) } : { name: target }
  if (typeof opts.proof === 'string') body.consensusProof = JSON.parse(await readFile(resolve(opts.proof), 'utf8'))
  const info = await (await ctx.api()).stream<ExtensionInfo>('POST', `${EXTENSIONS_API}/install`, body, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(info, () => `installed ${info.id}@${info.version} (${info.state})\n${extensionDetails(info)}`)
}
