import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** A directory as { relative path: base64 content }, for byte-identical tree comparisons. */
export async function tree (dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) Object.assign(out, await tree(p, prefix + e.name + '/'))
    else out[prefix + e.name] = (await readFile(p)).toString('base64')
  }
  return out
}
