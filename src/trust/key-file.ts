import { chmod, readFile, writeFile } from 'node:fs/promises'
import type { KeyObject } from 'node:crypto'
import { parsePrivateKeyPem, privateKeyToPem } from './keys.ts'
import { parsePostQuantumKeyPem, postQuantumKeyToPem } from './post-quantum.ts'
import type { PostQuantumKey } from './post-quantum.ts'

/** Owner read/write only: a private key file must not be readable by other users. */
export const KEY_FILE_MODE = 0o600

/**
 * Writes a private key as PKCS#8 PEM with mode 0600. `wx` refuses to overwrite, so a second
 * `init-root` never destroys the key an existing mesh depends on.
 */
export async function writePrivateKeyFile (path: string, key: KeyObject, options: { overwrite?: boolean } = {}): Promise<void> {
  await writeSecret(path, privateKeyToPem(key), options)
}

/** Writes an ML-DSA-65 seed file, with the same 0600 / no-overwrite rules as Ed25519 keys. */
export async function writePostQuantumKeyFile (path: string, key: PostQuantumKey, options: { overwrite?: boolean } = {}): Promise<void> {
  await writeSecret(path, postQuantumKeyToPem(key), options)
}

export async function readPostQuantumKeyFile (path: string): Promise<PostQuantumKey> {
  return parsePostQuantumKeyPem(await readFile(path, 'utf8'))
}

async function writeSecret (path: string, pem: string, options: { overwrite?: boolean }): Promise<void> {
  await writeFile(path, pem, { mode: KEY_FILE_MODE, flag: options.overwrite === true ? 'w' : 'wx' })
  // the mode argument is filtered by the umask and ignored for an existing file
  await chmod(path, KEY_FILE_MODE)
}

export async function readPrivateKeyFile (path: string): Promise<KeyObject> {
  return parsePrivateKeyPem(await readFile(path, 'utf8'))
}
