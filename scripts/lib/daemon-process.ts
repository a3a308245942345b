import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { initDataDir, readApiToken } from '../../src/node/index.ts'

/**
 * Runs `hypermesh daemon` processes for the local mesh, the benchmarks and the integration tests:
 * each daemon is a real process with real sockets and its own LevelDB data dir.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'hypermesh.mjs')

/**
 * Generous on purpose: CI machines are shared and a loaded 2-core box starts a daemon (libp2p,
 * LevelDB, the extension host) in seconds, not milliseconds. A healthy run never waits this long.
 */
export const DAEMON_START_TIMEOUT_MS = 90_000
export const WAIT_TIMEOUT_MS = 60_000

/** Loopback only, ports chosen by the OS: tests never collide and never leave the host. */
export const LOOPBACK_CONFIG = {
  api: { port: 0 },
  listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1']
}

export async function tempDir (prefix = 'hm-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

export interface DaemonProcess {
  dataDir: string
  proc: ChildProcess
  peerId: string
  api: string
  addresses: string[]
  token: string
  stderr: () => string
  /** Authenticated JSON request; returns status and parsed body. */
  request: <T = any>(method: string, path: string, body?: unknown) => Promise<{ status: number, body: T }>
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop: () => Promise<number | null>
  exited: Promise<number | null>
}

/** Runs the `hypermesh` CLI to completion (separate process), returning code and output. */
export async function runCli (args: string[], options: { env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d) => { stdout += d })
  proc.stderr.on('data', (d) => { stderr += d })
  const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const code = await new Promise<number | null>(resolve => proc.on('exit', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/**
 * Starts `hypermesh daemon` as its own process on a (new or given) data dir and waits for its
 * ready line. Every daemon is a real process with real sockets and a real LevelDB on disk.
 */
export async function spawnDaemon (options: { dataDir?: string, bootstrap?: string[], extraArgs?: string[], env?: NodeJS.ProcessEnv } = {}): Promise<DaemonProcess> {
  const dataDir = options.dataDir ?? await tempDir('hm-node-')
  await initDataDir(dataDir, { config: LOOPBACK_CONFIG }).catch((err) => { if (err.name !== 'DataDirExistsError') throw err })
  const args = [BIN, '--data-dir', dataDir, '--json', 'daemon', ...(options.bootstrap ?? []).flatMap(b => ['--bootstrap', b]), ...(options.extraArgs ?? [])]
  // stdin stays open as a lifeline: if this process dies (a test runner's timeout kills it), the
  // pipe closes and the daemon stops itself instead of lingering as an orphan
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HYPERMESH_STOP_WITH_PARENT: '1', ...options.env } })
  let stderr = ''
  proc.stderr!.on('data', (d) => { stderr += d })
  const exited = new Promise<number | null>(resolve => proc.on('exit', (code) => resolve(code)))
  const lines = createInterface({ input: proc.stdout! })
  const ready = await new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start in time; stderr:\n${stderr}`)), DAEMON_START_TIMEOUT_MS)
    lines.once('line', (line) => { clearTimeout(timer); try { resolve(JSON.parse(line)) } catch (err) { reject(err) } })
    exited.then((code) => { clearTimeout(timer); reject(new Error(`daemon exited with ${code}; stderr:\n${stderr}`)) }).catch(() => {})
  })
  const token = await readApiToken(dataDir)
  return {
    dataDir,
    proc,
    peerId: ready.peerId,
    api: ready.api,
    addresses: ready.addresses,
    token,
    stderr: () => stderr,
    async request (method, path, body) {
      const res = await fetch(ready.api + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      const text = await res.text()
      let parsed: any = text
      try { parsed = JSON.parse(text) } catch {}
      return { status: res.status, body: parsed }
    },
    async stop () {
      if (proc.exitCode == null && proc.signalCode == null) proc.kill('SIGTERM')
      return exited
    },
    exited
  }
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T> (check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = WAIT_TIMEOUT_MS, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const v = await check()
      if (v) return v
    } catch (err) { lastError = err }
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out waiting for ${what}${lastError != null ? `: ${String(lastError)}` : ''}`)
}

export function tcpAddr (d: DaemonProcess): string {
  const a = d.addresses.find(x => x.includes('/tcp/'))
  if (a == null) throw new Error('no TCP address')
  return a
}

export function quicAddr (d: DaemonProcess): string {
  const a = d.addresses.find(x => x.includes('/quic-v1'))
  if (a == null) throw new Error('no QUIC address')
  return a
}

/**
 * Calls a streamed (NDJSON) control-API route: collects the progress lines and returns the final
 * `{result}` or `{error}` line with them.
 */
export async function streamRequest (d: DaemonProcess, path: string, body: unknown): Promise<{ status: number, lines: any[], result?: any, error?: any }> {
  const res = await fetch(d.api + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  const text = await res.text()
  if (!res.ok) return { status: res.status, lines: [], error: JSON.parse(text) }
  const lines = text.split('\n').filter(l => l.trim() !== '').map(l => JSON.parse(l))
  const last = lines[lines.length - 1] ?? {}
  return { status: res.status, lines: lines.slice(0, -1), result: last.result, error: last.error }
}

/**
 * A port free for both TCP and UDP on 127.0.0.1 right now, so TCP and QUIC can share it. The
 * local mesh writes such ports into each node's config once: a node that keeps its addresses
 * across restarts stays dialable by the peers that remember it.
 */
export async function freePort (): Promise<number> {
  const { createServer } = await import('node:net')
  const { createSocket } = await import('node:dgram')
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.once('error', reject)
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port
        srv.close(() => resolve(p))
      })
    })
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket('udp4')
      sock.once('error', () => resolve(false))
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)))
    })
    if (udpFree) return port
  }
  throw new Error('no port free for both TCP and UDP')
}

/**
 * Runs `hypermesh --data-dir DIR --json ARGS…` and returns its parsed result (undefined for no
 * output); a non-zero exit throws with the command's stderr.
 */
export async function cliJson (dataDir: string, ...args: string[]): Promise<any> {
  const r = await runCli(['--data-dir', dataDir, '--json', ...args])
  if (r.code !== 0) throw new Error(`hypermesh ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`)
  return r.stdout.trim() === '' ? undefined : JSON.parse(r.stdout)
}
