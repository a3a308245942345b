import { resolve } from 'node:path'
import type { FetchResult } from '../../registry/index.ts'
import type { CommandRun } from '../context.ts'
import { formatBytes } from '../output.ts'

/**
 * `fetch NAME[@RANGE] [-o DIR]`: resolves the newest version in RANGE from the registry, fetches
 * it over STOQ from its providers, checks the manifest against the signed record and unpacks it
 * into DIR (default `./NAME`; it must not exist yet: unpacking is atomic and never overwrites).
 */
export const run: CommandRun = async (ctx, [spec], opts) => {
  const body = { spec, out: resolve(typeof opts.out === 'string' ? opts.out : spec.split('@')[0]) }
  const r = await (await ctx.api()).stream<FetchResult>('POST', '/api/v1/registry/fetch', body, line => {
    const d: any = line.detail
    if (line.type === 'stoq:fetch:chunk' && !ctx.out.json) ctx.out.progress({ type: line.type, detail: { received: d.received, total: d.size } })
    else ctx.out.progress(line)
  })
  ctx.out.done()
  ctx.out.result(r, () => `fetched ${r.name}@${r.version} (${formatBytes(r.size)}, ${r.files} file(s)) into ${r.dir}\n  manifest ${r.manifest}`)
}
