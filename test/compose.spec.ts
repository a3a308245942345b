import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { ROOT } from './helpers/daemon.ts'

/** No Docker engine runs here, so the compose file is checked against the Compose JSON schema. */
const SCHEMA = join(ROOT, '..', 'shared', 'compose-spec', 'compose-spec.json')

describe('docker-compose.yml', () => {
  it('validates against the Compose specification schema', (t) => {
    if (!existsSync(SCHEMA)) {
      t.skip(`compose schema not found at ${SCHEMA}`)
      return
    }
    const ajv = new Ajv({ strict: false, allErrors: true })
    ;(addFormats as any).default != null ? (addFormats as any).default(ajv) : (addFormats as any)(ajv)
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'))
    // ajv ships draft-07 under the http:// id; the schema names it with https://
    delete schema.$schema
    const validate = ajv.compile(schema)
    const doc: any = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true })
    const ok = validate(structuredClone(doc))
    assert.ok(ok, JSON.stringify(validate.errors, null, 2))
    assert.deepEqual(Object.keys(doc.services).sort(), ['node1', 'node2', 'node3'])
  })
})
