import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { HyperMeshError } from '../util/errors.ts'
import * as D from './defaults.ts'

/** A config value failed validation; the message names the field. */
export class InvalidConfigError extends HyperMeshError {}

const multiaddrString = z.string().regex(/^\//, 'a multiaddr must start with "/"')

/**
 * The config schema. Every field is optional in a layer (file, environment, flags); the
 * resolved config has all of them, filled from `defaults.ts`.
 */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1),
  listen: z.array(multiaddrString),
  announce: z.array(multiaddrString),
  bootstrap: z.array(multiaddrString),
  api: z.object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    bodyLimit: z.number().int().positive()
  }).strict(),
  dht: z.object({
    protocol: z.string().regex(/^\//),
    clientMode: z.boolean(),
    /** Disjoint paths per Kademlia query (DEFAULT_DHT_DISJOINT_PATHS). */
    disjointPaths: z.number().int().min(1).max(20)
  }).strict(),
  connections: z.object({
    max: z.number().int().positive(),
    dialTimeoutMs: z.number().int().positive(),
    /** Networks (multiaddrs, `/ipcidr/N` allowed) exempt from the inbound connection limits. */
    allow: z.array(multiaddrString),
    redialKnownPeers: z.number().int().min(0)
  }).strict(),
  store: z.object({
    quotaBytes: z.number().int().positive()
  }).strict(),
  consensus: z.object({
    /** Serve as a validator; unset: when the mesh root names this node as one. */
    validator: z.boolean().optional()
  }).strict(),
  /** Unset fields take the registry's own defaults (a one-day record lifetime). */
  registry: z.object({
    recordLifetimeMs: z.number().int().positive().optional(),
    republishCheckMs: z.number().int().positive().optional()
  }).strict(),
  shutdownTimeoutMs: z.number().int().positive()
}).strict()

export type Config = z.infer<typeof ConfigSchema>

/** A partial config, as one layer gives it. */
export type ConfigLayer = DeepPartial<Config>
type DeepPartial<T> = { [K in keyof T]?: T[K] extends Array<any> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] }

export function defaultConfig (): Config {
  return {
    dataDir: join(homedir(), D.DEFAULT_DATA_DIR_NAME),
    listen: [...D.DEFAULT_LISTEN],
    announce: [],
    bootstrap: [],
    api: { host: D.DEFAULT_API_HOST, port: D.DEFAULT_API_PORT, bodyLimit: D.DEFAULT_API_BODY_LIMIT_BYTES },
    dht: { protocol: D.DHT_PROTOCOL, clientMode: false, disjointPaths: D.DEFAULT_DHT_DISJOINT_PATHS },
    connections: { max: D.DEFAULT_MAX_CONNECTIONS, dialTimeoutMs: D.DEFAULT_DIAL_TIMEOUT_MS, allow: [...D.DEFAULT_CONNECTION_ALLOW], redialKnownPeers: D.DEFAULT_REDIAL_KNOWN_PEERS },
    store: { quotaBytes: D.DEFAULT_STORE_QUOTA_BYTES },
    consensus: {},
    registry: {},
    shutdownTimeoutMs: D.DEFAULT_SHUTDOWN_TIMEOUT_MS
  }
}

/**
 * Reads the `HYPERMESH_*` environment variables into a layer. Lists are comma-separated.
 * Numbers that do not parse are kept as strings so validation names the variable's field.
 */
export function configFromEnv (env: NodeJS.ProcessEnv): ConfigLayer {
  const layer: Record<string, any> = {}
  const list = (v: string): string[] => v.split(',').map(s => s.trim()).filter(s => s.length > 0)
  const num = (v: string): number | string => /^\d+$/.test(v.trim()) ? Number(v) : v
  if (env.HYPERMESH_DATA_DIR != null) layer.dataDir = env.HYPERMESH_DATA_DIR
  if (env.HYPERMESH_LISTEN != null) layer.listen = list(env.HYPERMESH_LISTEN)
  if (env.HYPERMESH_ANNOUNCE != null) layer.announce = list(env.HYPERMESH_ANNOUNCE)
  if (env.HYPERMESH_BOOTSTRAP != null) layer.bootstrap = list(env.HYPERMESH_BOOTSTRAP)
  if (env.HYPERMESH_API_HOST != null || env.HYPERMESH_API_PORT != null) {
    layer.api = {}
    if (env.HYPERMESH_API_HOST != null) layer.api.host = env.HYPERMESH_API_HOST
    if (env.HYPERMESH_API_PORT != null) layer.api.port = num(env.HYPERMESH_API_PORT)
  }
  return layer
}

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function merge (base: Record<string, any>, layer: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base }
  for (const [k, v] of Object.entries(layer)) {
    if (v === undefined) continue
    out[k] = isPlainObject(v) && isPlainObject(base[k]) ? merge(base[k], v) : v
  }
  return out
}

export interface ConfigLayers {
  /** The data dir's `config.json`. */
  file?: unknown
  /** Usually `configFromEnv(process.env)`. */
  env?: ConfigLayer
  /** Command-line flags. */
  flags?: ConfigLayer
}

/**
 * defaults < config file < environment < flags. Throws InvalidConfigError naming the first bad
 * field (`api.port: ...`), so a typo in config.json is a one-line fix, not a stack trace.
 */
export function resolveConfig (layers: ConfigLayers = {}): Config {
  if (layers.file !== undefined && !isPlainObject(layers.file)) {
    throw new InvalidConfigError('config file: expected a JSON object', { hint: 'config.json must contain an object such as {"api": {"port": 5201}}' })
  }
  let merged: Record<string, any> = defaultConfig()
  for (const layer of [layers.file, layers.env, layers.flags]) {
    if (layer != null) merged = merge(merged, layer as Record<string, any>)
  }
  const parsed = ConfigSchema.safeParse(merged)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.join('.') || '(root)'
    const what = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message
    throw new InvalidConfigError(`config field "${field}": ${what}`, {
      hint: 'fix the field in config.json, the HYPERMESH_* environment or the flag; `hypermesh --help` lists them'
    })
  }
  return parsed.data
}
