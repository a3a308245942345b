import type { PackageInfo } from '../../registry/index.ts'
import type { CommandRun } from '../context.ts'
import { formatBytes } from '../output.ts'

/**
 * `search [TEXT] [--type T] [--category C] [--all]`: packages published anywhere in the mesh,
 * each record verified by the daemon before it is shown. `--all` also lists records that do not
 * verify, marked with the reason (the default shows verified ones only).
 */
export const run: CommandRun = async (ctx, [text], opts) => {
  const body = {
    text: typeof text === 'string' && text.length > 0 ? text : undefined,
    type: typeof opts.type === 'string' ? opts.type : undefined,
    category: typeof opts.category === 'string' ? opts.category : undefined,
    range: typeof opts.range === 'string' ? opts.range : undefined,
    verifiedOnly: opts.all !== true && opts.verifiedOnly !== false
  }
  const r = await (await ctx.api()).stream<{ results: PackageInfo[] }>('POST', '/api/v1/registry/search', body, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(r, () => {
    if (r.results.length === 0) return 'no packages found'
    return r.results.map(p => {
      const mark = p.verified ? '✓' : `✗ ${p.error?.name ?? 'unverified'}`
      return `${p.name}@${p.version}  ${p.title}  [${p.category}; ${p.assets.join(', ') || 'no assets'}]  ${formatBytes(p.size)}  ${mark}${p.publisher !== undefined ? `  by ${p.publisher.subject}` : ''}`
    }).join('\n')
  })
}
