import type { ConfigLayer } from '../../node/index.ts'
import { InvalidConfigError } from '../../node/index.ts'

/** Turns the shared node flags (`--api-port`, `--listen`, `--bootstrap`) into a config layer. */
export function flagsToConfig (opts: Record<string, any>): ConfigLayer {
  const layer: ConfigLayer = {}
  if (opts.apiPort != null) {
    const port = Number(opts.apiPort)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidConfigError(`flag --api-port: "${opts.apiPort}" is not a port number`)
    }
    layer.api = { port }
  }
  if (opts.listen != null) layer.listen = opts.listen
  if (opts.bootstrap != null) layer.bootstrap = opts.bootstrap
  if (opts.validator === true) layer.consensus = { validator: true }
  return layer
}
