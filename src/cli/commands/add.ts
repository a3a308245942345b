import { resolve } from 'node:path'
import type { CommandRun } from '../context.ts'
import { formatBytes } from '../output.ts'
import { HyperMeshError } from '../../util/errors.ts'

/** `--chunk-size` or `--limit` is not a positive whole number of bytes. */
export class InvalidByteCountError extends HyperMeshError {
  constructor (flag: string, value: unknown) {
    super(`${flag} must be a positive number of bytes, optionally with K, M or G (got ${String(value)})`, { hint: `e.g. ${flag} 1M` })
  }
}

/** Parses `1048576`, `1M`, `512K`, `2G` (binary units). */
export function parseBytes (flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(String(value).trim())
  if (m === null) throw new InvalidByteCountError(flag, value)
  const unit = (m[2] ?? '').charAt(0).toUpperCase()
  const n = Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1)
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidByteCountError(flag, value)
  return n
}

interface AddResult { manifestCid: string, root: string, size: number, provided: boolean }

/**
 * `add PATH`: the daemon packs the file or directory into its chunk store, pins it and provides
 * it in the DHT. Prints the package CID (what `get` takes) and the content root.
 */
export const run: CommandRun = async (ctx, [path], opts) => {
  const meta: Record<string, string> = {}
  for (const key of ['id', 'name', 'version', 'category'] as const) {
    if (typeof opts[key] === 'string') meta[key] = opts[key]
  }
  const body = {
    path: resolve(path),
    chunkSize: parseBytes('--chunk-size', opts.chunkSize),
    meta: Object.keys(meta).length > 0 ? meta : undefined,
    provide: opts.provide !== false
  }
  const r = await (await ctx.api()).stream<AddResult>('POST', '/api/v1/add', body, line => { ctx.out.progress(line) })
  ctx.out.done()
  ctx.out.result(r, () => [
    r.manifestCid,
    `  content root ${r.root}, ${formatBytes(r.size)}`,
    r.provided ? '  provided in the DHT' : '  not provided in the DHT (no DHT peers yet); peers can still fetch it with --from'
  ].join('\n'))
}
