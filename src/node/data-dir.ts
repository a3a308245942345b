import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { HyperMeshError } from '../util/errors.ts'
import { DataDirCorruptError, DataDirNotInitializedError, PRIVATE_FILE_MODE, dataDirPaths, writeFileAtomic } from './files.ts'

/** Another process (usually a running daemon) holds the data dir's LevelDB lock. */
export class DataDirInUseError extends HyperMeshError {}
/** `init` on a data dir that already has an identity; refusing protects the PeerId. */
export class DataDirExistsError extends HyperMeshError {}

/** Owner-only, like ~/.ssh: the dir holds the node's private key and API token. */
const PRIVATE_DIR_MODE = 0o700
/** 32 random bytes: the bearer token is as strong as an Ed25519 key. */
const API_TOKEN_BYTES = 32

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





export async function ensurePrivateDir (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  await chmod(dir, PRIVATE_DIR_MODE)
}

/** The data dir's swarm key, or undefined when the node is not in a private network. */
export async function readSwarmKey (dir: string): Promise<Uint8Array | undefined> {
  try {
    const bytes = await readFile(dataDirPaths(dir).swarmKey)
    if (!bytes.toString('utf8').startsWith('/key/swarm/psk/1.0.0/')) {
      throw new DataDirCorruptError(`${dataDirPaths(dir).swarmKey} is not a swarm key`, { hint: 'make one with `hypermesh swarm-key generate`' })
    }
    return bytes
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
}
