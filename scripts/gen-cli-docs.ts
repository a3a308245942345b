/** `npm run docs:cli`: rewrites README.md's CLI reference from src/cli/commands.ts. */
import { readFileSync, writeFileSync } from 'node:fs'
import { spliceReference } from '../src/cli/reference.ts'

const readme = readFileSync('README.md', 'utf8')
const next = spliceReference(readme)
if (next !== readme) {
  writeFileSync('README.md', next)
  process.stderr.write('README.md: CLI reference updated\n')
} else {
  process.stderr.write('README.md: CLI reference already up to date\n')
}
