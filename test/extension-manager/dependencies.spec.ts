import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dependentsOf, resolveLoadOrder } from '../../src/extension-manager/index.ts'

function ext (id: string, version: string, deps: Record<string, string> = {}): [string, { id: string, version: string, dependencies: Array<{ extension_id: string, version_requirement: string }> }] {
  return [id, { id, version, dependencies: Object.entries(deps).map(([extension_id, version_requirement]) => ({ extension_id, version_requirement })) }]
}

describe('resolveLoadOrder', () => {
  it('loads dependencies first, each once', () => {
    const available = new Map([
      ext('catalog', '1.0.0', { 'stoq-transport': '>=1.0.0', trust: '^2.0.0' }),
      ext('stoq-transport', '1.2.0', { trust: '>=2.1.0' }),
      ext('trust', '2.3.1'),
      ext('unrelated', '1.0.0')
    ])
    assert.deepEqual(resolveLoadOrder(['catalog'], available), ['trust', 'stoq-transport', 'catalog'])
    assert.deepEqual(resolveLoadOrder(['catalog', 'trust', 'unrelated'], available), ['trust', 'stoq-transport', 'catalog', 'unrelated'])
  })

  it('names a cycle', () => {
    const available = new Map([ext('a', '1.0.0', { b: '*' }), ext('b', '1.0.0', { c: '*' }), ext('c', '1.0.0', { a: '*' })])
    assert.throws(() => resolveLoadOrder(['a'], available), (err: any) => {
      assert.equal(err.name, 'DependencyCycleError')
      assert.deepEqual(err.cycle, ['a', 'b', 'c', 'a'])
      return true
    })
  })

  it('names a missing dependency and who needs it', () => {
    const available = new Map([ext('catalog', '1.0.0', { 'stoq-transport': '>=1.0.0' })])
    assert.throws(() => resolveLoadOrder(['catalog'], available), { name: 'DependencyMissingError', message: /"catalog" depends on "stoq-transport"/ })
    assert.throws(() => resolveLoadOrder(['nothing'], available), { name: 'ExtensionNotFoundError' })
  })

  it('names an incompatible version', () => {
    const available = new Map([ext('catalog', '1.0.0', { 'stoq-transport': '>=2.0.0' }), ext('stoq-transport', '1.9.9')])
    assert.throws(() => resolveLoadOrder(['catalog'], available), { name: 'DependencyVersionError', message: /stoq-transport@>=2.0.0, found 1.9.9/ })
  })

  it('finds direct dependents', () => {
    const available = new Map([ext('a', '1.0.0', { c: '*' }), ext('b', '1.0.0', { c: '*' }), ext('c', '1.0.0')])
    assert.deepEqual(dependentsOf('c', available), ['a', 'b'])
  })
})
