import { resolve } from 'node:path'
import type { CommandRun } from '../context.ts'
import { formatBytes } from '../output.ts'
import { parseBytes } from './add.ts'

interface GetResult {
  cid: string
  root: string
  size: number
  fetchedBytes: number
  fetchedChunks: number
  resumedChunks: number
  peers: Record<string, number>
  durationMs: number
  manifestName?: string
  unpacked?: { dir: string, files: number, size: number }
}

/**
 * `get CID`: the daemon fetches a package (manifest CID) or a bare content root from the given
 * providers or those it finds in the DHT, verifying every chunk, resuming from what it has, and
 * with `-o DIR` unpacks the package there. On a TTY a progress bar shows bytes, rate, peers and
 * ETA; with `--json` progress is NDJSON on stderr.
 */
export const run: CommandRun = async (ctx, [cid], opts) => {
  const from: string[] | undefined = Array.isArray(opts.from) ? opts.from : typeof opts.from === 'string' ? [opts.from] : undefined
  const body = {
    cid,
    from: from !== undefined && from.length > 0 ? from : undefined,
    out: typeof opts.out === 'string' ? resolve(opts.out) : undefined,
    maxSize: parseBytes('--max-size', opts.maxSize),
    bytesPerSecond: parseBytes('--limit', opts.limit)
  }
  const peers = new Set<string>()
  const r = await (await ctx.api()).stream<GetResult>('POST', '/api/v1/get', body, line => {
    const d: any = line.detail
    if (line.type === 'stoq:fetch:providers') for (const p of d.peers) peers.add(p)
    if (line.type === 'stoq:fetch:peer:dropped') peers.delete(d.peer)
    if (line.type === 'stoq:fetch:peer:reopened') peers.add(d.peer)
    // the bar reads received/total/peers; --json keeps the events as they are
    if (line.type === 'stoq:fetch:chunk' && !ctx.out.json) ctx.out.progress({ type: line.type, detail: { received: d.received, total: d.size, peers: peers.size } })
    else ctx.out.progress(line)
  })
  ctx.out.done()
  ctx.out.result(r, () => {
    const secs = Math.max(r.durationMs, 1) / 1000
    const lines = [
      `${r.manifestName ?? r.root}: ${formatBytes(r.size)} complete`,
      `  fetched ${formatBytes(r.fetchedBytes)} (${r.fetchedChunks} chunks) in ${secs.toFixed(1)} s, ${formatBytes(r.fetchedBytes / secs)}/s from ${Object.keys(r.peers).length} peer(s); ${r.resumedChunks} chunks were already stored`
    ]
    if (r.unpacked !== undefined) lines.push(`  unpacked ${r.unpacked.files} file(s) into ${r.unpacked.dir}`)
    return lines.join('\n')
  })
}
