import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { equalBytes, HASH_BYTES, readU32, str, u32 } from './encoding.ts'
import { PlotFileInvalidError, PlotFileMissingError } from './errors.ts'
import { paramsFor, PROFILES } from './params.ts'
import { plotFromLabels, plotSeed } from './plot.ts'
import type { ProfileName } from './params.ts'
import type { Plot } from './plot.ts'
import type { OperationOptions } from '../util/progress.ts'

/**
 * A plot on disk: magic, the profile name, the seed and the labels. The Merkle tree is rebuilt
 * on load (one hash per label, a fraction of plotting), so a damaged file yields another root
 * and is caught by comparing it with the registered one.
 */

const MAGIC = str('HMPLOT1\n')

/** Where a data dir keeps its plot for a profile: `<dataDir>/consensus/plot-<profile>.bin`. */
export function defaultPlotPath (dataDir: string, profile: ProfileName): string {
  return join(dataDir, 'consensus', `plot-${profile}.bin`)
}

export async function savePlot (path: string, plot: Plot, profile: ProfileName): Promise<void> {
  const name = str(profile)
  const temp = `${path}.tmp-${process.pid}`
  await mkdir(dirname(path), { recursive: true })
  await writeFile(temp, Buffer.concat([MAGIC, u32(name.byteLength), name, plot.seed, plot.labels]))
  await rename(temp, path)
}

/** Loads a plot and checks its seed belongs to `nodePublicKey`. */
export async function loadPlot (path: string, nodePublicKey: Uint8Array, options: OperationOptions = {}): Promise<Plot> {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path, options))
  } catch (err: any) {
    if (err?.code === 'ENOENT') throw new PlotFileMissingError(`no plot at ${path}`, { cause: err, hint: 'run `hypermesh plot create` first' })
    throw err
  }
  if (!equalBytes(bytes.subarray(0, MAGIC.byteLength), MAGIC)) throw new PlotFileInvalidError(`${path} is not a plot file`)
  const nameLength = readU32(bytes, MAGIC.byteLength)
  const nameEnd = MAGIC.byteLength + 4 + nameLength
  const profile = new TextDecoder().decode(bytes.subarray(MAGIC.byteLength + 4, nameEnd)) as ProfileName
  if (!Object.hasOwn(PROFILES, profile)) throw new PlotFileInvalidError(`${path} names an unknown profile`)
  const params = paramsFor(profile)
  const seed = bytes.slice(nameEnd, nameEnd + HASH_BYTES)
  if (!equalBytes(seed, plotSeed(nodePublicKey, params))) {
    throw new PlotFileInvalidError(`${path} was plotted for another node key`, { hint: 'run `hypermesh plot create` with this node\'s key' })
  }
  return plotFromLabels(seed, bytes.slice(nameEnd + HASH_BYTES), params, options)
}
