import { configFromEnv, initDataDir, readConfigFile, resolveConfig } from '../../node/index.ts'
import { startDaemon } from '../../daemon/index.ts'
import type { CommandRun } from '../context.ts'
import { flagsToConfig } from './flags.ts'

export const run: CommandRun = async (ctx, _args, opts) => {
  const dataDir = ctx.global.dataDir
  if (opts.init === true) {
    await initDataDir(dataDir).catch((err) => { if (err.name !== 'DataDirExistsError') throw err })
  }
  const config = resolveConfig({
    file: await readConfigFile(dataDir),
    env: configFromEnv(process.env),
    flags: { ...flagsToConfig(opts), dataDir }
  })
  const daemon = await startDaemon(config)
  const ready = {
    ready: true,
    peerId: daemon.node.peerId,
    api: daemon.url,
    addresses: daemon.node.libp2p.getMultiaddrs().map(String),
    pid: process.pid
  }
  ctx.out.result(ready, () => [
    'HyperMesh daemon ready',
    `  peer id:   ${ready.peerId}`,
    `  api:       ${ready.api}`,
    ...ready.addresses.map(a => `  listening: ${a}`)
  ].join('\n'))

  // a second signal while stopping means "now": exit without waiting
  let signalled = false
  const onSignal = (sig: string): void => {
    if (signalled) process.exit(130)
    signalled = true
    ctx.out.info(`received ${sig}, stopping`)
    const timer = setTimeout(() => {
      process.stderr.write(`error: shutdown took longer than ${config.shutdownTimeoutMs} ms, exiting anyway\n`)
      process.exit(1)
    }, config.shutdownTimeoutMs)
    timer.unref()
    daemon.stop().catch(() => {})
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // started by a supervisor that holds our stdin (the local mesh, the tests): its exit ends us
  if (process.env.HYPERMESH_STOP_WITH_PARENT === '1') {
    process.stdin.on('end', () => { onSignal('parent exit') })
    process.stdin.on('error', () => { onSignal('parent exit') })
    process.stdin.resume()
  }
  await daemon.stopped
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  // an open stdin would keep the stopped process alive
  if (process.env.HYPERMESH_STOP_WITH_PARENT === '1') process.stdin.destroy()
  ctx.out.info('stopped')
}
