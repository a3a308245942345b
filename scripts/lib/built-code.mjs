// Which tree `hypermesh` runs: the compiled one (dist/, scripts/build.mjs) or the sources.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * 'dist' when `root`/dist was built (dist/.stamp, whose mtime is when the build began) and no
 * file or directory under `root`/src changed since (or there is no src/, as in the Docker
 * image, which ships the compiled tree only), else 'src'. The compiled tree spares a
 * process Node's type-stripping compiler (~29 MiB of RSS for as long as it runs); falling back
 * keeps an edited checkout running what its sources say. Walking src/ costs ~2 ms.
 */
export function builtCodeDir (root) {
  let built
  try {
    built = statSync(join(root, 'dist', '.stamp')).mtimeMs
  } catch {
    return 'src'
  }
  const changedSince = (dir) => {
    if (statSync(dir).mtimeMs > built) return true
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory() ? changedSince(path) : statSync(path).mtimeMs > built) return true
    }
    return false
  }
  const src = join(root, 'src')
  if (!existsSync(src)) return 'dist'
  return changedSince(src) ? 'src' : 'dist'
}
