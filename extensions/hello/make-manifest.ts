/**
 * Rewrites manifest.json after index.js (or another listed file) changed: keeps the fields you
 * edit by hand (id, name, version, capabilities, assets, dependencies, …) and recomputes the
 * content commitment (files, sizes, content root) exactly as `hypermesh pack` would.
 *
 *   node extensions/hello/make-manifest.ts [DIR]      (DIR defaults to this directory)
 *
 * Sign the result with the TrustChain tools before installing it on a node that requires
 * signatures (the signature goes to manifest.sig beside manifest.json).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { manifestForFiles } from '../../src/extension-manager/index.ts'

const dir = process.argv[2] ?? fileURLToPath(new URL('.', import.meta.url))
const { content, files, ...meta } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))
const manifest = await manifestForFiles(dir, files.map((f: { path: string }) => f.path), meta)
await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
process.stdout.write(`${manifest.id}@${manifest.version}: ${manifest.files.length} files, root ${manifest.content.root}\n`)
