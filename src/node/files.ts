import { randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { HyperMeshError } from '../util/errors.ts'
import { DEFAULT_DATA_DIR_NAME } from './defaults.ts'

/**
 * The data dir's plain files (paths, API token, api.json, config.json), with no libp2p or
 * LevelDB imports, so CLI commands that only talk to a daemon start in a fraction of the time.
 */

/** The data dir has not been created; `hypermesh init` makes one. */
export class DataDirNotInitializedError extends HyperMeshError {}
/** A file in the data dir is unreadable or malformed. */
export class DataDirCorruptError extends HyperMeshError {}

export const PRIVATE_FILE_MODE = 0o600

export function defaultDataDir (env: NodeJS.ProcessEnv = process.env): string {
  return env.HYPERMESH_DATA_DIR ?? join(homedir(), DEFAULT_DATA_DIR_NAME)
}

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
    /** The private network's pre-shared key (kubo's name and format); present = private mode. */
    swarmKey: join(dir, 'swarm.key'),
    store: join(dir, 'store'),
    assets: join(dir, 'assets'),
    /** The extension manager's own LevelDB: exported state, storage quotas, the installed set. */
    extensionState: join(dir, 'extension-state'),
    trust: join(dir, 'trust'),
    extensions: join(dir, 'extensions')
  }
}

/** Writes a file atomically (temp + rename), so a crash never leaves half a key or config. */
export async function writeFileAtomic (path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, data, { mode })
  await rename(tmp, path)
}

export interface ApiFile {
  url: string
  pid: number
  peerId: string
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
