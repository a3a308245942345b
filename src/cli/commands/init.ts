import { initDataDir } from '../../node/index.ts'
import type { CommandRun } from '../context.ts'
import { flagsToConfig } from './flags.ts'

export const run: CommandRun = async (ctx, _args, opts) => {
  const result = await initDataDir(ctx.global.dataDir, { config: flagsToConfig(opts), force: opts.force === true })
  ctx.out.result(result, () => `initialised ${result.dir}\npeer id: ${result.peerId}`)
}
