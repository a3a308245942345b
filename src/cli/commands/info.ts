import type { PackageInfo, RecordBody } from '../../registry/index.ts'
import type { CommandRun } from '../context.ts'
import { formatBytes } from '../output.ts'

/** `info NAME`: the verified registry record of a package: versions, publisher, sequence, expiry. */
export const run: CommandRun = async (ctx, [name]) => {
  const r = await (await ctx.api()).request<PackageInfo & { record: RecordBody }>('GET', `/api/v1/registry/info?name=${encodeURIComponent(name)}`)
  ctx.out.result(r, () => [
    `${r.name}  ${r.title}  [${r.category}; ${r.assets.join(', ') || 'no assets'}]`,
    `  publisher ${r.publisher?.subject ?? '?'} (${r.publisher?.fingerprint ?? '?'})`,
    `  record sequence ${r.sequence}, expires ${r.expires}`,
    ...r.record.versions.slice().reverse().map(v => `  ${v.version}  ${formatBytes(v.size)}  ${v.manifest}  published ${v.published}`)
  ].join('\n'))
}
