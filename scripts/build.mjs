// Type-checks the project and compiles it to JavaScript in dist/ (same layout: dist/src,
// dist/test, dist/scripts). `hypermesh` runs dist/ when it is up to date (bin/hypermesh.mjs):
// a process that loads TypeScript sources carries Node's type-stripping compiler for its whole
// life, ~29 MiB of RSS in an idle node (126 against 97 MiB), which a daemon should not pay.
//
// The new tree is built beside the old one and swapped in, so a daemon that is running from
// dist/ never finds half a tree when it loads a module lazily. dist/.stamp's mtime is when this
// build began: a source changed after it makes bin/hypermesh.mjs fall back to the sources.
import { spawnSync } from 'node:child_process'
import { closeSync, copyFileSync, existsSync, openSync, readdirSync, renameSync, rmSync, utimesSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const next = join(root, 'dist.next')
const old = join(root, 'dist.old')
const started = new Date()

const tscBin = join(root, 'node_modules', '.bin', 'tsc')
if (!existsSync(tscBin) || !existsSync(join(root, 'src'))) {
  // a production install (`npm install --omit=dev`, as in the Dockerfile's runtime stage) has no
  // compiler, or no sources to compile: nothing to build, and `hypermesh` runs what is there
  console.error('build: skipped (no TypeScript compiler or no sources here)')
  process.exit(0)
}
rmSync(next, { recursive: true, force: true })
const tsc = spawnSync(tscBin, ['-p', root, '--outDir', next], { stdio: 'inherit', shell: process.platform === 'win32' })
if (tsc.error != null) {
  console.error(`build: could not run tsc: ${tsc.error.message}`)
  process.exit(1)
}
if (tsc.status !== 0) {
  rmSync(next, { recursive: true, force: true })
  process.exit(tsc.status ?? 1)
}
// tsc emits no .mjs: the compiled scripts import scripts/lib's plain modules (the daemon's runtime
// settings) from beside them, as the sources do
for (const name of readdirSync(join(root, 'scripts', 'lib'))) {
  if (name.endsWith('.mjs')) copyFileSync(join(root, 'scripts', 'lib', name), join(next, 'scripts', 'lib', name))
}
const stamp = join(next, '.stamp')
closeSync(openSync(stamp, 'w'))
utimesSync(stamp, started, started)

rmSync(old, { recursive: true, force: true })
if (existsSync(dist)) renameSync(dist, old)
renameSync(next, dist)
rmSync(old, { recursive: true, force: true })
