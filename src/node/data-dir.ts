import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { HyperMeshError } from '../util/errors.ts'

/** The data dir has not been created; `hypermesh init` makes one. */
export class DataDirNotInitializedError extends HyperMeshError {}
/** Another process (usually a running daemon) holds the data dir's LevelDB lock. */
export class DataDirInUseError extends HyperMeshError {}
/** `init` on a data dir that already has an identity; refusing protects the PeerId. */
export class DataDirExistsError extends HyperMeshError {}
/** A file in the data dir is unreadable or malformed. */
export class DataDirCorruptError extends HyperMeshError {}

/** The files a data dir holds. One function names them so nothing else hard-codes paths. */
export function dataDirPaths (dir: string) {
  return {
    dir,
    identity: join(dir, 'identity.key'),
    config: join(dir, 'config.json'),
    apiToken: join(dir, 'api-token'),
    /** Written by a running daemon: where its control API listens. Removed on clean shutdown. */
    apiFile: join(dir, 'api.json'),
    datastore: join(dir, 'datastore'),
    store: join(dir, 'store'),
    trust: join(dir, 'trust'),
    extensions: join(dir, 'extensions')
  }
}

/** Owner-only: the data dir holds the node's private key and the API token. */
const PRIVATE_FILE_MODE = 0o600
const PRIVATE_DIR_MODE = 0o700
/** 32 random bytes: the bearer token is as strong as an Ed25519 key. */
const API_TOKEN_BYTES = 32

/** Writes a file atomically (temp + rename), so a crash never leaves half a key or config. */
export async function writeFileAtomic (path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, data, { mode })
  await rename(tmp, path)
}

export interface InitOptions {
  /** Written into config.json, e.g. ports chosen by `init --api-port`. */
  config?: Record<string, unknown>
  /** Re-use an existing data dir's identity instead of failing. */
  force?: boolean
}

export interface InitResult {
  dir: string
  peerId: string
  created: boolean
}

/** Creates a data dir: identity key, config, API token. Refuses to overwrite an identity. */
export async function initDataDir (dir: string, options: InitOptions = {}): Promise<InitResult> {
  const paths = dataDirPaths(dir)
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  let key: PrivateKey | undefined
  try {
    key = await loadIdentity(dir)
  } catch (err: any) {
    if (err.name !== 'DataDirNotInitializedError') throw err
  }
  if (key != null && options.force !== true) {
    throw new DataDirExistsError(`data dir ${dir} is already initialised (peer ${key.publicKey.toString()})`, {
      hint: 'use it as it is, or choose another --data-dir'
    })
  }
  const created = key == null
  if (key == null) {
    key = await generateKeyPair('Ed25519')
    await writeFileAtomic(paths.identity, privateKeyToProtobuf(key))
  }
  await writeFileAtomic(paths.apiToken, randomBytes(API_TOKEN_BYTES).toString('hex') + '\n')
  await writeFileAtomic(paths.config, JSON.stringify(options.config ?? {}, null, 2) + '\n', 0o644)
  return { dir, peerId: key.publicKey.toString(), created }
}

/** The persisted identity: libp2p v3 makes a new key on each start unless it is given one. */
export async function loadIdentity (dir: string): Promise<PrivateKey> {
  const path = dataDirPaths(dir).identity
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      throw new DataDirNotInitializedError(`no identity in ${dir}`, { hint: `run \`hypermesh init --data-dir ${dir}\` first` })
    }
    throw err
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new DataDirCorruptError(`${path} is not a libp2p private key`, { cause: err, hint: 'restore it from a backup; a new key means a new PeerId' })
  }
}

export async function readApiToken (dir: string): Promise<string> {
  try {
    return (await readFile(dataDirPaths(dir).apiToken, 'utf8')).trim()
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      throw new DataDirNotInitializedError(`no API token in ${dir}`, { hint: `run \`hypermesh init --data-dir ${dir}\` first` })
    }
    throw err
  }
}

/** The config file's parsed JSON (validated later by resolveConfig), or undefined if absent. */
export async function readConfigFile (dir: string): Promise<unknown> {
  const path = dataDirPaths(dir).config
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
  try {
    return JSON.parse(text)
  } catch (err: any) {
    throw new DataDirCorruptError(`${path} is not valid JSON: ${err.message}`, { hint: 'fix the JSON syntax in config.json' })
  }
}

/**
 * Opens the data dir's LevelDB. LevelDB's own lock is the "one process per data dir" guard:
 * it is released by the OS when a process dies, so a crash never leaves a stale lock file.
 */
export async function openDatastore (dir: string): Promise<LevelDatastore> {
  // open Level ourselves: datastore-level flattens the error into a string and loses the
  // LEVEL_LOCKED cause we need to tell "busy" from "corrupt"
  const db = new Level<string, Uint8Array>(dataDirPaths(dir).datastore, { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    await db.open()
  } catch (err: any) {
    if (err?.cause?.code === 'LEVEL_LOCKED' || err?.code === 'LEVEL_LOCKED') {
      throw new DataDirInUseError(`data dir ${dir} is already in use by another process`, {
        cause: err,
        hint: 'a daemon is probably running on it: stop it (`hypermesh shutdown`) or use another --data-dir'
      })
    }
    throw new DataDirCorruptError(`cannot open the datastore in ${dir}: ${err?.cause?.message ?? err.message}`, { cause: err })
  }
  const ds = new LevelDatastore(db)
  await ds.open()
  return ds
}

export interface ApiFile {
  url: string
  pid: number
  peerId: string
}

export async function writeApiFile (dir: string, info: ApiFile): Promise<void> {
  await writeFileAtomic(dataDirPaths(dir).apiFile, JSON.stringify(info) + '\n', 0o644)
}

export async function readApiFile (dir: string): Promise<ApiFile | undefined> {
  try {
    return JSON.parse(await readFile(dataDirPaths(dir).apiFile, 'utf8'))
  } catch {
    return undefined
  }
}

export async function removeApiFile (dir: string): Promise<void> {
  await rm(dataDirPaths(dir).apiFile, { force: true })
}

export async function ensurePrivateDir (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  await chmod(dir, PRIVATE_DIR_MODE)
}
