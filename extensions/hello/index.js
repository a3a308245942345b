// HyperMesh "hello": the smallest working extension, and the template for new ones.
//
// This file runs inside an isolate: no require/import, no fs, no network, no timers. Its only
// door out is `globalThis.hm`, with the operations its granted capabilities allow (see
// src/extension-manager/index.ts). Every export below is optional.

let settings = { greeting: 'Hello' }
let greetings = 0

/** Lifecycle: the node's config for this extension, and the state the last run exported. */
export function initialize (config, state) {
  settings = { ...settings, ...config }
  greetings = state?.greetings ?? 0
}

/** Lifecycle: the asset types this extension handles (each listed in provided_assets). */
export function registerAssets () {
  return [{ type: 'Greeting', operations: ['read'] }]
}

/** A request handler: `manager.call('hello', 'hello', ['Ada'])`. */
export function hello (name = 'world') {
  greetings++
  return `${settings.greeting}, ${name}!`
}

export function stats () {
  return { greetings }
}

/** Asset handlers for the Greeting type. */
export function createAsset (type, spec) {
  return { metadata: { text: `${settings.greeting}, ${spec.name}!` } }
}

export function updateAsset (type, record, patch) {
  return { metadata: { ...patch } }
}

export function deleteAsset (type, record) {}

export function invokeAsset (type, record, operation) {
  if (operation === 'read') return record.metadata.text
  throw new Error(`no operation ${operation}`)
}

/** Lifecycle: what to keep across shutdown, reload and restart. */
export function exportState () {
  return { greetings }
}

export function shutdown () {}
