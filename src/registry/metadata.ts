import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PackMeta } from '../package/index.ts'
import { PublishMetadataError } from './errors.ts'

/** The package metadata file `publish` reads from the directory when no `meta` is given. */
export const METADATA_FILE = 'hypermesh.json'

/** The manifest fields of a package directory (id, name, version, category, provided_assets, ...). */
export async function readMetadata (dir: string): Promise<PackMeta> {
  let text: string
  try {
    text = await readFile(join(dir, METADATA_FILE), 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new PublishMetadataError(`no ${METADATA_FILE} in ${dir}`, { hint: `write ${METADATA_FILE} with id, name, version, category and provided_assets, or pass the metadata explicitly` })
    throw err
  }
  try {
    return JSON.parse(text) as PackMeta
  } catch (err: any) {
    throw new PublishMetadataError(`${METADATA_FILE} is not JSON: ${err.message}`)
  }
}
