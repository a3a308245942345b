import type { CommandRun } from './context.ts'

/**
 * Every `hypermesh` command, its arguments, options and examples, in one readable file. Each
 * command's code lives in `commands/<module>.ts` and is imported only when that command runs, so
 * `hypermesh --help` stays fast. The README's CLI reference is generated from this list
 * (`npm run docs:cli`).
 */
export interface OptionSpec {
  /** commander syntax: '-o, --out <dir>', '--json', '--count <n>' */
  flags: string
  description: string
  default?: string | boolean | string[]
  /** may be given several times; values are collected into an array */
  repeatable?: boolean
}

export interface CommandSpec {
  /** 'init', or 'trust issue' for a subcommand */
  name: string
  summary: string
  /** commander syntax: '<multiaddr>', '[path]', '<files...>' */
  args?: string[]
  options?: OptionSpec[]
  examples: string[]
  /** true: the command talks to a running daemon through the control API */
  daemon?: boolean
  load: () => Promise<{ run: CommandRun }>
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: '--data-dir <dir>', description: 'the node\'s data dir (env HYPERMESH_DATA_DIR)', default: '~/.hypermesh' },
  { flags: '--api <url>', description: 'the daemon\'s control API URL (default: read from the data dir\'s api.json)' },
  { flags: '--json', description: 'machine-readable output: one JSON document on stdout, NDJSON progress on stderr' }
]

export const COMMANDS: CommandSpec[] = [
  {
    name: 'init',
    summary: 'create a data dir: identity key, config and API token',
    options: [
      { flags: '--api-port <port>', description: 'control API port to write into config.json' },
      { flags: '--listen <multiaddr>', description: 'libp2p listen address to write into config.json', repeatable: true },
      { flags: '--bootstrap <multiaddr>', description: 'bootstrap peer to write into config.json', repeatable: true },
      { flags: '--force', description: 'keep the identity of an existing data dir but rewrite config and token' }
    ],
    examples: ['hypermesh init', 'hypermesh init --data-dir ./node1 --api-port 5301 --listen /ip4/127.0.0.1/tcp/4301'],
    load: async () => import('./commands/init.ts')
  },
  {
    name: 'daemon',
    summary: 'run the node and its control API until SIGINT/SIGTERM',
    options: [
      { flags: '--api-port <port>', description: 'control API port (0 picks a free one)' },
      { flags: '--listen <multiaddr>', description: 'libp2p listen address', repeatable: true },
      { flags: '--bootstrap <multiaddr>', description: 'bootstrap peer', repeatable: true },
      { flags: '--init', description: 'create the data dir first if it does not exist' }
    ],
    examples: ['hypermesh daemon', 'hypermesh daemon --data-dir ./node2 --bootstrap /ip4/127.0.0.1/tcp/4201/p2p/12D3Koo...'],
    load: async () => import('./commands/daemon.ts')
  },
  {
    name: 'id',
    summary: 'show the node\'s PeerId and addresses',
    daemon: true,
    examples: ['hypermesh id', 'hypermesh id --json'],
    load: async () => import('./commands/id.ts')
  },
  {
    name: 'status',
    summary: 'show the daemon\'s status: uptime, connections, DHT mode',
    daemon: true,
    examples: ['hypermesh status'],
    load: async () => import('./commands/status.ts')
  },
  {
    name: 'peers',
    summary: 'list connected peers with address, transport and direction',
    daemon: true,
    examples: ['hypermesh peers', 'hypermesh peers --json'],
    load: async () => import('./commands/peers.ts')
  },
  {
    name: 'connect',
    summary: 'dial a peer by multiaddr (TCP or QUIC)',
    args: ['<multiaddr>'],
    options: [{ flags: '--force', description: 'open a new connection even if one to the peer exists (e.g. to add QUIC)' }],
    daemon: true,
    examples: ['hypermesh connect /ip4/127.0.0.1/udp/4201/quic-v1/p2p/12D3Koo...'],
    load: async () => import('./commands/connect.ts')
  },
  {
    name: 'dht put',
    summary: 'put a test value into the DHT (namespace /hmtest/)',
    args: ['<key>', '<value>'],
    daemon: true,
    examples: ['hypermesh dht put greeting hello'],
    load: async () => import('./commands/dht-put.ts')
  },
  {
    name: 'dht get',
    summary: 'get a test value from the DHT (namespace /hmtest/)',
    args: ['<key>'],
    options: [{ flags: '--local', description: 'read this node\'s own datastore only, without asking peers' }],
    daemon: true,
    examples: ['hypermesh dht get greeting'],
    load: async () => import('./commands/dht-get.ts')
  },
  {
    name: 'shutdown',
    summary: 'stop the running daemon gracefully',
    daemon: true,
    examples: ['hypermesh shutdown'],
    load: async () => import('./commands/shutdown.ts')
  }
]
