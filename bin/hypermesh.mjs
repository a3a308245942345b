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
const { main } = await import('../src/cli/index.ts')
await main()
