import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { EXTENSIONS_API, extensionDetails } from './ext-format.ts'
import type { ExtensionInfo } from '../../extension-manager/index.ts'
import type { CommandRun } from '../context.ts'

/**
 * `ext install DIR`: the daemon checks the signed package directory (schema, content root,
 * signature, host range), verifies the install proof when one is required, copies it into its
 * extensions directory atomically and loads it, dependencies first.
 */
export const run: CommandRun = async (ctx, [dir], opts) => {
  const body: { dir: string, consensusProof?: unknown } = { dir: resolve(dir) }
  if (typeof opts.proof === 'string') body.consensusProof = JSON.parse(await readFile(resolve(opts.proof), 'utf8'))
  const info = await (await ctx.api()).stream<ExtensionInfo>('POST', `${EXTENSIONS_API}/install`, body, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(info, () => `installed ${info.id}@${info.version} (${info.state})\n${extensionDetails(info)}`)
}
