import { noise } from '@chainsafe/libp2p-noise'
import type { NoiseComponents, NoiseExtensions, NoiseInit } from '@chainsafe/libp2p-noise'
import type { ConnectionEncrypter, SecuredConnection } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { Uint8ArrayList } from 'uint8arraylist'
import { fastNoiseCrypto, TAG_LENGTH } from './noise-crypto.ts'
import { NoiseMessageError } from './errors.ts'

const log = logger('hypermesh:transfer:noise')

/** Largest Noise transport message (spec: 65535 bytes, so its length prefix is 2 bytes). */
const MAX_MESSAGE = 65535
const PREFIX_LENGTH = 2
const MAX_PLAINTEXT = MAX_MESSAGE - TAG_LENGTH

/** What the secured connection of @chainsafe/libp2p-noise 17 holds: its session's cipher states. */
interface NoiseSession {
  encrypt: (plaintext: Uint8Array | Uint8ArrayList) => Uint8Array | Uint8ArrayList
  decrypt: (ciphertext: Uint8Array | Uint8ArrayList, dst?: Uint8Array) => Uint8Array | Uint8ArrayList
}
interface EncryptedStream {
  handshake?: NoiseSession
  encrypt?: unknown
  decrypt?: unknown
}

type Bytes = Uint8Array | Uint8ArrayList

/**
 * Noise as the node runs it: `fastNoiseCrypto`, with the secured connection's framing done here.
 * Wire-compatible with any Noise peer: the messages are the same bytes.
 *
 * @chainsafe/libp2p-noise 17 hands the transport each message as three pieces (length prefix,
 * ciphertext, tag), and @libp2p/tcp writes each piece with its own `socket.write`: three
 * syscalls and three TCP segments per message (a 12-byte yamux window update went out as writes
 * of 2, 12 and 16 bytes), and the peer's kernel and reads pay for each. Here the small pieces are
 * joined, so a small message is one write and a 64 KiB one two. Its decryption also copies every
 * message that spans two socket reads into one array, only to offer it as the cipher's output
 * buffer, which node:crypto cannot use: ~10 % of a getter's main thread. Here a spanning message
 * is decrypted piece by piece.
 *
 * Measured with `hypermesh daemon` fetching 1 GiB (same session, stock framing against this):
 * 3 sources 141–154 MB/s against 75–158 and peak RSS 192 MiB against 200–232; 1 source peak
 * 160–162 MiB against 166–167.
 *
 * This replaces two methods on the library's connection object; if a release no longer has
 * them, the stock framing stays (logged once), still with the fast crypto.
 */
export function fastNoise (init: Omit<NoiseInit, 'crypto'> = {}): (components: NoiseComponents) => ConnectionEncrypter<NoiseExtensions> {
  const factory = noise({ ...init, crypto: fastNoiseCrypto })
  return (components) => {
    const encrypter = factory(components)
    const inbound = encrypter.secureInbound.bind(encrypter)
    const outbound = encrypter.secureOutbound.bind(encrypter)
    encrypter.secureInbound = async (connection, options) => reframe(await inbound(connection, options))
    encrypter.secureOutbound = async (connection, options) => reframe(await outbound(connection, options))
    return encrypter
  }
}

let warned = false

function reframe<T extends SecuredConnection<any>> (secured: T): T {
  const stream = secured.connection as EncryptedStream
  const session = stream.handshake
  if (typeof stream.encrypt !== 'function' || typeof stream.decrypt !== 'function' ||
    typeof session?.encrypt !== 'function' || typeof session.decrypt !== 'function') {
    if (!warned) log('this @chainsafe/libp2p-noise has no encrypt/decrypt/handshake on its connection: stock framing')
    warned = true
    return secured
  }
  stream.encrypt = (chunk: Bytes): Uint8Array | Uint8ArrayList => sealMessages(session, chunk)
  stream.decrypt = (chunk: Bytes): Uint8ArrayList => openMessage(session, chunk)
  return secured
}

/** Pieces shorter than this are joined with their neighbours instead of being written alone. */
const SMALL_PIECE = 4096

/**
 * Seals `plaintext` as length-prefixed Noise messages. Runs of small pieces (length prefixes,
 * tags, a yamux header's ciphertext, whole small messages) are joined into one buffer; large
 * ciphertext pieces are passed on as the cipher made them. Joining everything into one buffer
 * was slower: the copies of large pieces, and their fresh buffers, cost the provider more than
 * the writes they saved.
 */
export function sealMessages (session: NoiseSession, plaintext: Bytes): Uint8Array | Uint8ArrayList {
  const out: Uint8Array[] = []
  let small: Uint8Array[] = []
  let smallBytes = 0
  const flush = (): void => {
    if (small.length === 0) return
    out.push(small.length === 1 ? small[0] : Buffer.concat(small, smallBytes))
    small = []
    smallBytes = 0
  }
  const add = (piece: Uint8Array): void => {
    if (piece.byteLength >= SMALL_PIECE) {
      flush()
      out.push(piece)
    } else if (piece.byteLength > 0) {
      small.push(piece)
      smallBytes += piece.byteLength
    }
  }
  const length = plaintext.byteLength
  for (let start = 0; start < length; start += MAX_PLAINTEXT) {
    const end = Math.min(length, start + MAX_PLAINTEXT)
    const sealed = session.encrypt(plaintext instanceof Uint8Array ? plaintext.subarray(start, end) : plaintext.sublist(start, end))
    const prefix = Buffer.allocUnsafe(PREFIX_LENGTH)
    prefix.writeUInt16BE(sealed.byteLength, 0)
    add(prefix)
    for (const piece of sealed instanceof Uint8Array ? [sealed] : sealed) add(piece)
  }
  flush()
  return out.length === 1 ? out[0] : new Uint8ArrayList(...out)
}

/**
 * Opens one Noise message (the length-prefix decoder hands them over one at a time), in
 * pieces when it arrived in pieces.
 */
export function openMessage (session: NoiseSession, message: Bytes): Uint8ArrayList {
  if (message.byteLength < TAG_LENGTH) throw new NoiseMessageError(`a Noise message of ${message.byteLength} bytes`)
  return new Uint8ArrayList(session.decrypt(message))
}
