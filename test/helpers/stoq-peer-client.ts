import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

// the peer script beside this one, as source (.ts) or as built into dist/ (.js)
const PEER_SCRIPT = fileURLToPath(new URL(`./stoq-peer${extname(import.meta.url)}`, import.meta.url))

export interface PeerProcess {
  child: ChildProcess
  peerId: string
  addrs: { tcp: string, quic: string }
  /** Sends a command; resolves with its result, rejects with an Error named as the peer's error. */
  call: (cmd: string, args?: Record<string, unknown>, onProgress?: (p: { type: string, detail: any }) => void) => Promise<any>
  kill: () => Promise<void>
  exit: () => Promise<void>
}

/** Spawns test/helpers/stoq-peer.ts as a separate Node process and waits until it listens. */
export async function spawnPeer (init: { dir: string, stoq?: Record<string, unknown>, noiseFix?: boolean }): Promise<PeerProcess> {
  const child = spawn(process.execPath, [PEER_SCRIPT, JSON.stringify(init)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<number, { resolve: (v: any) => void, reject: (e: Error) => void, onProgress?: (p: any) => void }>()
  let nextId = 1
  const exited = new Promise<void>(resolve => child.once('exit', () => {
    for (const w of waiting.values()) w.reject(Object.assign(new Error('peer process exited'), { name: 'PeerExited' }))
    waiting.clear()
    resolve()
  }))
  const ready = new Promise<any>((resolve, reject) => {
    child.once('exit', code => { reject(new Error(`peer exited with ${code} before it was ready`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      const msg = JSON.parse(line)
      if (msg.ready === true) { resolve(msg); return }
      const w = waiting.get(msg.id)
      if (w === undefined) return
      if (msg.progress !== undefined) { w.onProgress?.(msg.progress); return }
      waiting.delete(msg.id)
      if (msg.ok === true) w.resolve(msg.result)
      else w.reject(Object.assign(new Error(`${msg.error.message}${msg.error.cause != null ? ` (cause: ${msg.error.cause})` : ''}`), { name: msg.error.name }))
    })
  })
  const hello = await ready
  return {
    child,
    peerId: hello.peerId,
    addrs: hello.addrs,
    call: async (cmd, args = {}, onProgress) => {
      const id = nextId++
      const result = new Promise((resolve, reject) => { waiting.set(id, { resolve, reject, onProgress }) })
      child.stdin!.write(JSON.stringify({ id, cmd, ...args }) + '\n')
      return await result
    },
    kill: async () => { child.kill('SIGKILL'); await exited },
    exit: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.stdin!.write(JSON.stringify({ id: 0, cmd: 'exit' }) + '\n')
      await exited
    }
  }
}
