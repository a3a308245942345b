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
      { flags: '--init', description: 'create the data dir first if it does not exist' },
      { flags: '--validator', description: 'serve as a consensus validator (default: when the mesh root names this node)' }
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
    name: 'add',
    summary: 'pack a file or directory into the chunk store, pin it and provide it in the DHT',
    args: ['<path>'],
    options: [
      { flags: '--chunk-size <bytes>', description: 'chunk size (e.g. 1MiB); see protocols/stoq/SPEC.md', default: '1MiB' },
      { flags: '--no-provide', description: 'do not announce the content in the DHT' }
    ],
    daemon: true,
    examples: ['hypermesh add ./my-package', 'hypermesh add big.iso --chunk-size 4MiB --json'],
    load: async () => import('./commands/add.ts')
  },
  {
    name: 'get',
    summary: 'fetch a package (manifest CID) or content root over STOQ, verifying every chunk, resuming',
    args: ['<cid>'],
    options: [
      { flags: '--from <multiaddr>', description: 'a provider to fetch from (default: providers found in the DHT)', repeatable: true },
      { flags: '-o, --out <dir>', description: 'unpack the package into DIR (must not exist)' },
      { flags: '--max-size <bytes>', description: 'refuse content larger than this' },
      { flags: '--limit <bytes-per-second>', description: 'download bandwidth limit (e.g. 10MiB)' }
    ],
    daemon: true,
    examples: ['hypermesh get bagaaihra... -o ./pkg', 'hypermesh get bagaaihra... --from /ip4/127.0.0.1/tcp/4201/p2p/12D3Koo... --json'],
    load: async () => import('./commands/get.ts')
  },
  {
    name: 'publish',
    summary: 'pack, sign and publish a package directory to the mesh registry (republished before expiry)',
    args: ['<dir>'],
    options: [
      { flags: '--cert <pem>', description: 'publisher certificate chain (publisher first, then intermediates)' },
      { flags: '--key <pem>', description: 'the publisher certificate\'s private key' },
      { flags: '--chunk-size <bytes>', description: 'chunk size', default: '1MiB' },
      { flags: '--no-republish', description: 'do not keep the credentials to republish before expiry' }
    ],
    daemon: true,
    examples: ['hypermesh publish ./hello --cert mesh/publisher.pem --key mesh/publisher.key'],
    load: async () => import('./commands/publish.ts')
  },
  {
    name: 'search',
    summary: 'find packages published anywhere in the mesh; every record is verified before it is shown',
    args: ['[text]'],
    options: [
      { flags: '--type <assetType>', description: 'provided asset type: VirtualMachine, Container, Library, ...' },
      { flags: '--category <category>', description: 'package category, e.g. AssetLibrary' },
      { flags: '--range <semver>', description: 'only versions in this range' },
      { flags: '--no-verified-only', description: 'also list records that do not verify, marked with the reason (verified only is the default)' },
      { flags: '--all', description: 'the same as --no-verified-only' }
    ],
    daemon: true,
    examples: ['hypermesh search', 'hypermesh search catalog --type Library', 'hypermesh search --category AssetLibrary --json'],
    load: async () => import('./commands/search.ts')
  },
  {
    name: 'info',
    summary: 'show a package\'s verified registry record: versions, digests, publisher',
    args: ['<name>'],
    daemon: true,
    examples: ['hypermesh info hello'],
    load: async () => import('./commands/info.ts')
  },
  {
    name: 'fetch',
    summary: 'resolve NAME[@RANGE] in the registry, fetch it over STOQ, verify it and unpack it',
    args: ['<spec>'],
    options: [{ flags: '-o, --out <dir>', description: 'target directory (default ./NAME; must not exist)' }],
    daemon: true,
    examples: ['hypermesh fetch hello', 'hypermesh fetch catalog@^1.0.0 -o ./catalog'],
    load: async () => import('./commands/fetch.ts')
  },
  {
    name: 'trust init-root',
    summary: 'create a root CA key and self-signed certificate (offline)',
    options: [
      { flags: '--out <dir>', description: 'where to write root.key and root.pem (default: <data-dir>/trust/root)' },
      { flags: '--subject <cn>', description: 'the root\'s common name', default: 'HyperMesh Root' },
      { flags: '--validity-days <n>', description: 'validity period in days' },
      { flags: '--path-length <n>', description: 'how many intermediate CAs may follow' },
      { flags: '--force', description: 'overwrite existing files' }
    ],
    examples: ['hypermesh trust init-root --out ./pki'],
    load: async () => import('./commands/trust-init-root.ts')
  },
  {
    name: 'trust init-mesh',
    summary: 'create everything a new mesh needs: root, intermediate, publisher and the signed mesh root (offline)',
    options: [
      { flags: '--out <dir>', description: 'output directory (required)' },
      { flags: '--mesh-id <id>', description: 'the mesh\'s name', default: 'hypermesh-local' },
      { flags: '--validator <peerId[=weight]>', description: 'a consensus validator and its weight', repeatable: true },
      { flags: '--threshold <weight>', description: 'validator weight needed (default: more than 2/3 of the total)' },
      { flags: '--stake <peerId=amount>', description: 'a genesis stake allocation', repeatable: true },
      { flags: '--profile <name>', description: 'consensus parameter profile: test or production', default: 'test' },
      { flags: '--publisher-prefix <prefix>', description: 'package-name prefix the publisher may publish (default: any)', repeatable: true },
      { flags: '--root-cert <pem>', description: 'reuse this root certificate instead of making one' },
      { flags: '--root-key <pem>', description: 'the reused root\'s key' },
      { flags: '--validity-days <n>', description: 'mesh root validity in days' },
      { flags: '--install', description: 'also install the mesh root into --data-dir' },
      { flags: '--force', description: 'overwrite existing files' }
    ],
    examples: ['hypermesh trust init-mesh --out ./mesh --validator 12D3KooA... --validator 12D3KooB... --stake 12D3KooC...=1000'],
    load: async () => import('./commands/trust-init-mesh.ts')
  },
  {
    name: 'trust install-root',
    summary: 'install a mesh root into the data dir (a later one must be a valid rotation; older ones are refused)',
    args: ['<file>'],
    examples: ['hypermesh trust install-root ./mesh/mesh-root.json'],
    load: async () => import('./commands/trust-install-root.ts')
  },
  {
    name: 'trust rotate-root',
    summary: 'write the next mesh root version, signed by a threshold of the current and the new root keys (offline)',
    args: ['<current>'],
    options: [
      { flags: '--out <file>', description: 'where to write the next mesh root' },
      { flags: '--signer <cert=key>', description: 'a root certificate and its key that sign the new version', repeatable: true },
      { flags: '--anchor <pem>', description: 'add a root anchor', repeatable: true },
      { flags: '--remove-anchor <fingerprint>', description: 'drop an anchor', repeatable: true },
      { flags: '--root-threshold <n>', description: 'root keys needed to sign the next rotation' },
      { flags: '--validator <peerId[=weight]>', description: 'replace the validators', repeatable: true },
      { flags: '--stake <peerId=amount>', description: 'replace the genesis stake', repeatable: true },
      { flags: '--threshold <weight>', description: 'validator weight needed' },
      { flags: '--profile <name>', description: 'consensus profile: test or production' },
      { flags: '--validity-days <n>', description: 'validity of the new version' },
      { flags: '--force', description: 'overwrite --out' }
    ],
    examples: ['hypermesh trust rotate-root mesh/mesh-root.json --out mesh/mesh-root-v2.json --signer mesh/root.pem=mesh/root.key --anchor new-root.pem --signer new-root.pem=new-root.key'],
    load: async () => import('./commands/trust-rotate-root.ts')
  },
  {
    name: 'trust issue',
    summary: 'issue an intermediate CA, publisher or node certificate (offline)',
    options: [
      { flags: '--ca', description: 'issue an intermediate CA certificate' },
      { flags: '--publisher', description: 'issue a publisher (package signing) certificate' },
      { flags: '--node <peerId>', description: 'issue a node certificate binding this PeerId' },
      { flags: '--issuer-cert <pem>', description: 'the issuer\'s certificate (chain)' },
      { flags: '--issuer-key <pem>', description: 'the issuer\'s private key' },
      { flags: '--out <prefix>', description: 'writes <prefix>.pem (and <prefix>.key for new keys)' },
      { flags: '--key <pem>', description: 'use this existing key instead of making one' },
      { flags: '--subject <cn>', description: 'the certificate\'s common name' },
      { flags: '--name-prefix <prefix>', description: 'package-name prefix in scope', repeatable: true },
      { flags: '--capability <cap>', description: 'capability packages may request', repeatable: true },
      { flags: '--level <level>', description: 'trust level of a node certificate', default: 'member' },
      { flags: '--post-quantum', description: 'also make an ML-DSA-65 key for hybrid package signatures' },
      { flags: '--path-length <n>', description: 'CA path length' },
      { flags: '--validity-days <n>', description: 'validity period in days' },
      { flags: '--force', description: 'overwrite existing files' }
    ],
    examples: ['hypermesh trust issue --publisher --issuer-cert mesh/intermediate.pem --issuer-key mesh/intermediate.key --name-prefix acme- --out ./acme'],
    load: async () => import('./commands/trust-issue.ts')
  },
  {
    name: 'trust revoke',
    summary: 'add certificates to their issuer\'s signed revocation list (offline)',
    args: ['<serials...>'],
    options: [
      { flags: '--issuer-cert <pem>', description: 'the issuer\'s certificate' },
      { flags: '--issuer-key <pem>', description: 'the issuer\'s private key' },
      { flags: '--out <file>', description: 'the revocation list to create or update' },
      { flags: '--reason <reason>', description: 'revocation reason', default: 'keyCompromise' },
      { flags: '--next-update-days <n>', description: 'days until the next update is due' }
    ],
    examples: ['hypermesh trust revoke ./acme.pem --issuer-cert mesh/intermediate.pem --issuer-key mesh/intermediate.key --out mesh/intermediate.crl'],
    load: async () => import('./commands/trust-revoke.ts')
  },
  {
    name: 'trust publish-crl',
    summary: 'spread a revocation list through the mesh (every node checks it, applies it and keeps it)',
    args: ['<crl>'],
    options: [
      { flags: '--issuer-cert <pem>', description: 'the certificate of the CA that signed the list, then its issuers' }
    ],
    daemon: true,
    examples: ['hypermesh trust publish-crl mesh/intermediate.crl --issuer-cert mesh/intermediate.pem'],
    load: async () => import('./commands/trust-publish-crl.ts')
  },
  {
    name: 'trust revocations',
    summary: 'list the revocation lists this node holds, newest per issuer',
    daemon: true,
    examples: ['hypermesh trust revocations --json'],
    load: async () => import('./commands/trust-revocations.ts')
  },
  {
    name: 'trust show',
    summary: 'describe a certificate, chain, mesh root or signature envelope (never a private key)',
    args: ['<file>'],
    examples: ['hypermesh trust show mesh/publisher.pem'],
    load: async () => import('./commands/trust-show.ts')
  },
  {
    name: 'sign',
    summary: 'sign a manifest\'s canonical bytes with a publisher key (offline)',
    args: ['<manifest>'],
    options: [
      { flags: '--cert <pem>', description: 'publisher certificate chain' },
      { flags: '--key <pem>', description: 'the publisher\'s private key' },
      { flags: '--out <file>', description: 'signature envelope file (default: <manifest>.sig.json)' },
      { flags: '--pq-key <file>', description: 'an ML-DSA-65 key for a second, post-quantum signature' }
    ],
    examples: ['hypermesh sign ./hello/manifest.json --cert mesh/publisher.pem --key mesh/publisher.key'],
    load: async () => import('./commands/sign.ts')
  },
  {
    name: 'verify',
    summary: 'check a signed package, manifest or envelope against the trust store (offline)',
    args: ['<path>'],
    options: [
      { flags: '--signature <file>', description: 'the signature envelope (default: beside the manifest)' },
      { flags: '--anchor <pem>', description: 'trust this root instead of the data dir\'s', repeatable: true },
      { flags: '--mesh-root <file>', description: 'trust this mesh root\'s anchors' },
      { flags: '--crl <file>', description: 'a revocation list to apply', repeatable: true },
      { flags: '--at <iso-date>', description: 'verify as of this time' }
    ],
    examples: ['hypermesh verify ./hello', 'hypermesh verify manifest.json --mesh-root mesh/mesh-root.json'],
    load: async () => import('./commands/verify.ts')
  },
  {
    name: 'plot create',
    summary: 'make this node\'s proof-of-space plot for the mesh\'s consensus profile (offline)',
    options: [
      { flags: '--profile <name>', description: 'test or production (default: from the mesh root)' },
      { flags: '--mesh-root <file>', description: 'mesh root to read the profile from' },
      { flags: '--out <file>', description: 'plot file (default: in the data dir)' }
    ],
    examples: ['hypermesh plot create'],
    load: async () => import('./commands/plot-create.ts')
  },
  {
    name: 'proof make',
    summary: 'make a consensus proof bundle (space, stake, work, time) for an operation',
    options: [
      { flags: '--op <op>', description: 'publish, install, deploy or invoke' },
      { flags: '--digest <digest>', description: 'the package or record digest the proof binds' },
      { flags: '--out <file>', description: 'write the raw bundle here' }
    ],
    daemon: true,
    examples: ['hypermesh proof make --op install --digest bagaaihra... --out proof.bin'],
    load: async () => import('./commands/proof-make.ts')
  },
  {
    name: 'proof verify',
    summary: 'verify a consensus proof bundle offline against the mesh root',
    args: ['<file>'],
    options: [
      { flags: '--op <op>', description: 'the operation it must bind' },
      { flags: '--digest <digest>', description: 'the digest it must bind' },
      { flags: '--node <peerId>', description: 'the node it must bind' },
      { flags: '--mesh-root <file>', description: 'mesh root (default: the data dir\'s)' }
    ],
    examples: ['hypermesh proof verify proof.bin --op install --digest bagaaihra... --node 12D3Koo...'],
    load: async () => import('./commands/proof-verify.ts')
  },
  {
    name: 'ext list',
    summary: 'list installed extensions and their state',
    daemon: true,
    examples: ['hypermesh ext list'],
    load: async () => import('./commands/ext-list.ts')
  },
  {
    name: 'ext info',
    summary: 'show an extension: manifest, granted capabilities, quotas and usage',
    args: ['<id>'],
    daemon: true,
    examples: ['hypermesh ext info hello'],
    load: async () => import('./commands/ext-info.ts')
  },
  {
    name: 'ext install',
    summary: 'install an extension from a signed package directory or a registry name (verify, install proof, dependencies first, load)',
    args: ['<dir-or-name>'],
    options: [{ flags: '--proof <file>', description: 'a consensus install proof (JSON) to present' }],
    daemon: true,
    examples: ['hypermesh ext install ./hello', 'hypermesh ext install catalog@^1.0.0'],
    load: async () => import('./commands/ext-install.ts')
  },
  {
    name: 'ext load',
    summary: 'load an installed extension',
    args: ['<id>'],
    daemon: true,
    examples: ['hypermesh ext load hello'],
    load: async () => import('./commands/ext-load.ts')
  },
  {
    name: 'ext unload',
    summary: 'shut an extension down (its state is exported and kept)',
    args: ['<id>'],
    daemon: true,
    examples: ['hypermesh ext unload hello'],
    load: async () => import('./commands/ext-unload.ts')
  },
  {
    name: 'ext reload',
    summary: 'hot-reload an extension, handing over its state; rolls back if the new version fails',
    args: ['<id>'],
    options: [{ flags: '--dir <dir>', description: 'a new version\'s package directory' }],
    daemon: true,
    examples: ['hypermesh ext reload hello', 'hypermesh ext reload hello --dir ./hello-v2'],
    load: async () => import('./commands/ext-reload.ts')
  },
  {
    name: 'ext call',
    summary: 'call an extension method with JSON arguments',
    args: ['<id>', '<method>', '[args...]'],
    daemon: true,
    examples: ['hypermesh ext call hello greet \'"world"\''],
    load: async () => import('./commands/ext-call.ts')
  },
  {
    name: 'swarm-key',
    summary: 'make or install the pre-shared key of a private network (TCP only; QUIC is switched off in private mode)',
    args: ['<action>', '[file]'],
    options: [{ flags: '--out <file>', description: 'where `generate` writes the key (default: the data dir\'s swarm.key)' }],
    examples: ['hypermesh swarm-key generate --out ./swarm.key', 'hypermesh --data-dir ./node2 swarm-key install ./swarm.key'],
    load: async () => import('./commands/swarm-key.ts')
  },
  {
    name: 'shutdown',
    summary: 'stop the running daemon gracefully',
    daemon: true,
    examples: ['hypermesh shutdown'],
    load: async () => import('./commands/shutdown.ts')
  }
]
