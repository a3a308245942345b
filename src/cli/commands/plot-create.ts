import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createPlot, defaultPlotPath, makeRegistration, paramsFor, savePlot, verifyRegistration } from '../../consensus/index.ts'
import { loadIdentity } from '../../node/index.ts'
import { HyperMeshError } from '../../util/errors.ts'
import type { ProfileName } from '../../consensus/index.ts'
import type { CommandRun } from '../context.ts'

/** Neither `--profile` nor a mesh root says which consensus profile to plot for. */
export class ConsensusProfileUnknownError extends HyperMeshError {}

/** The profile from `--profile`, else from the mesh root file (`--mesh-root`, default in the data dir). */
export async function profileFrom (dataDir: string, opts: Record<string, any>): Promise<ProfileName> {
  if (opts.profile != null) {
    paramsFor(opts.profile)
    return opts.profile
  }
  const path = opts.meshRoot ?? join(dataDir, 'trust', 'mesh-root.json')
  try {
    const root = JSON.parse(await readFile(path, 'utf8'))
    const profile = root?.signed?.consensus?.profile ?? root?.consensus?.profile
    paramsFor(profile)
    return profile
  } catch (err) {
    throw new ConsensusProfileUnknownError(`cannot tell the consensus profile from ${path}`, { cause: err, hint: 'pass --profile test|production or --mesh-root FILE' })
  }
}

/**
 * `hypermesh plot create`: makes this node's plot for the mesh's consensus profile (offline,
 * seconds), checks its own registration as a validator would, and writes it to the data dir.
 */
export const run: CommandRun = async (ctx, _args, opts) => {
  const profile = await profileFrom(ctx.global.dataDir, opts)
  const params = paramsFor(profile)
  const key = await loadIdentity(ctx.global.dataDir)
  const started = performance.now()
  const plot = await createPlot(key.publicKey.raw, params, { onProgress: evt => { ctx.out.progress(evt) } })
  ctx.out.done()
  const node = key.publicKey.toString()
  verifyRegistration(makeRegistration(plot, node, params), node, params)
  const path = opts.out ?? defaultPlotPath(ctx.global.dataDir, profile)
  await savePlot(path, plot, profile)
  const result = { path, profile, node, labels: 2 ** params.plotLog2Labels, plotRoot: Buffer.from(plot.root).toString('hex'), ms: Math.round(performance.now() - started) }
  ctx.out.result(result, `plot of ${result.labels} labels for ${profile} written to ${path} in ${result.ms} ms\nroot ${result.plotRoot}`)
}
