import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Every module the verifier loads at run time (type-only imports are erased). */
async function runtimeImports (entry: string, seen = new Map<string, string[]>()): Promise<Map<string, string[]>> {
  if (seen.has(entry)) return seen
  const source = await readFile(entry, 'utf8')
  const specifiers = [...source.matchAll(/^import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map(m => m[1])
  seen.set(entry, specifiers)
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) await runtimeImports(resolve(dirname(entry), specifier), seen)
  }
  return seen
}

describe('consensus verifier purity', () => {
  it('loads no network, file or process code', async () => {
    const entry = fileURLToPath(new URL('../../src/consensus/verifier.ts', import.meta.url))
    const graph = await runtimeImports(entry)
    const external = new Set([...graph.values()].flat().filter(s => !s.startsWith('.')))
    const allowed = new Set(['node:crypto', '@libp2p/peer-id', '@libp2p/logger', 'cborg', 'zod', 'progress-events', 'any-signal', 'node:timers/promises'])
    assert.deepEqual([...external].filter(s => !allowed.has(s)), [])
    assert.ok(graph.size > 10, 'the walk found the verifier\'s modules')
  })
})
