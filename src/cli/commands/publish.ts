import { resolve } from 'node:path'
import { PublisherCredentialsError } from '../../registry/index.ts'
import type { PublishResult } from '../../registry/index.ts'
import type { CommandRun } from '../context.ts'
import { formatBytes } from '../output.ts'
import { parseBytes } from './add.ts'

/**
 * `publish DIR --cert CHAIN --key KEY`: the daemon packs DIR (metadata from DIR/hypermesh.json),
 * signs the name's next registry record with the publisher key, provides the content and puts
 * the record in the DHT; it keeps the credentials to republish before expiry unless
 * `--no-republish`. Paths are sent, not key bytes: the daemon reads them on the same host.
 */
export const run: CommandRun = async (ctx, [dir], opts) => {
  if (typeof opts.cert !== 'string' || typeof opts.key !== 'string') {
    throw new PublisherCredentialsError('--cert CHAIN and --key KEY are required', { hint: 'hypermesh trust init-mesh writes publisher.pem and publisher.key' })
  }
  const body = {
    dir: resolve(dir),
    cert: resolve(opts.cert),
    key: resolve(opts.key),
    republish: opts.republish !== false,
    chunkSize: parseBytes('--chunk-size', opts.chunkSize)
  }
  const r = await (await ctx.api()).stream<PublishResult>('POST', '/api/v1/registry/publish', body, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(r, () => [
    `published ${r.name}@${r.version} (record sequence ${r.sequence}, expires ${r.expires})`,
    `  manifest ${r.manifest}, ${formatBytes(r.size)}`,
    `  record stored by ${r.acceptedBy.length} peer(s)${r.rejectedBy.length > 0 ? `, refused by ${r.rejectedBy.length}: ${r.rejectedBy[0].error}` : ''}`
  ].join('\n'))
}
