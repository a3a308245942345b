#!/usr/bin/env node
// The `hypermesh` command. HyperMesh needs Node >= 22.12 (libp2p v3); when started by an older
// system Node, re-run with the Node pinned in node_modules instead of failing deep inside libp2p.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node')
  if (existsSync(pinned) && process.env.HYPERMESH_NODE_REEXEC !== '1') {
    const r = spawnSync(pinned, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, HYPERMESH_NODE_REEXEC: '1' } })
    process.exit(r.status ?? 1)
  }
  await import('../scripts/node-guard.mjs')
}
// `hypermesh daemon` runs with the V8 flags and glibc tunables of scripts/lib/daemon-runtime.mjs
// (a small young generation and glibc's hugetlb, which bound a large fetch's memory and a
// provider's page faults). V8 and glibc read them only at start, so the process re-executes
// itself with them, keeping its pid (process.execve, Node >= 22.15).
const { DAEMON_NODE_FLAGS, daemonGlibcTunables } = await import('../scripts/lib/daemon-runtime.mjs')
/** Global options that take a value: the command is the first argument that is neither. */
const VALUE_OPTIONS = new Set(['--data-dir', '--api'])

function commandName (args) {
  for (let i = 0; i < args.length; i++) {
    if (VALUE_OPTIONS.has(args[i])) { i++; continue }
    if (!args[i].startsWith('-')) return args[i]
  }
  return undefined
}

if (commandName(process.argv.slice(2)) === 'daemon' && typeof process.execve === 'function') {
  const flags = DAEMON_NODE_FLAGS.filter(flag => !process.execArgv.includes(flag))
  const tunables = daemonGlibcTunables(process.env.GLIBC_TUNABLES)
  if (flags.length > 0 || tunables !== (process.env.GLIBC_TUNABLES ?? '')) {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...flags, ...process.argv.slice(1)], { ...process.env, GLIBC_TUNABLES: tunables })
  }
}

// the compiled tree when it is up to date, else the sources (scripts/lib/built-code.mjs)
const { builtCodeDir } = await import('../scripts/lib/built-code.mjs')
const code = builtCodeDir(join(dirname(fileURLToPath(import.meta.url)), '..')) === 'dist'
  ? { dir: '../dist/src', ext: 'js' }
  : { dir: '../src', ext: 'ts' }
await import(`${code.dir}/util/debug-colors.${code.ext}`)
const { main } = await import(`${code.dir}/cli/index.${code.ext}`)
await main()
