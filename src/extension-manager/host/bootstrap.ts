/**
 * The script that runs first in every isolate. It turns the one injected host reference into
 * `globalThis.hm` (the only door out of the isolate) and hides the reference itself. The host
 * still checks every call: what the isolate sees is convenience, not the security boundary.
 */
export function bootstrapSource (capabilities: string[]): string {
  return `
(() => {
  const hostCall = globalThis.__hmHostCall
  delete globalThis.__hmHostCall
  const raise = (error) => { const e = new Error(error.message); e.name = error.name; throw e }
  const call = async (capability, operation, ...args) => {
    const outcome = await hostCall.apply(undefined, [capability, operation, args], { arguments: { copy: true }, result: { promise: true, copy: true } })
    return outcome.ok ? outcome.value : raise(outcome.error)
  }
  const op = (capability, operation) => (...args) => call(capability, operation, ...args)
  globalThis.hm = Object.freeze({
    capabilities: Object.freeze(${JSON.stringify(capabilities)}),
    call,
    log: op('Log', 'write'),
    storage: Object.freeze({ get: op('Storage', 'get'), put: op('Storage', 'put'), delete: op('Storage', 'delete'), usage: op('Storage', 'usage') }),
    assets: Object.freeze({ create: op('AssetManagement', 'create'), get: op('AssetManagement', 'get'), list: op('AssetManagement', 'list'), update: op('AssetManagement', 'update'), delete: op('AssetManagement', 'delete') }),
    network: Object.freeze({ send: op('NetworkAccess', 'send') }),
    // an isolate has no TextEncoder/TextDecoder; storage and network speak bytes
    utf8: Object.freeze({
      encode: (text) => Uint8Array.from(unescape(encodeURIComponent(String(text))), c => c.charCodeAt(0)),
      decode: (bytes) => {
        let binary = ''
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000))
        return decodeURIComponent(escape(binary))
      }
    })
  })
  // A call answers at once when the export is synchronous; otherwise it answers { pending: true }
  // and settles later through __hmSettle, so a plain call never waits on promise plumbing.
  const settle = globalThis.__hmSettle
  delete globalThis.__hmSettle
  const toWire = (err) => ({ name: String(err?.name ?? 'Error'), message: String(err?.message ?? err) })
  const answer = (callId, outcome) => {
    try {
      settle.applyIgnored(undefined, [callId, outcome], { arguments: { copy: true } })
    } catch (err) {
      settle.applyIgnored(undefined, [callId, { ok: false, error: toWire(err) }], { arguments: { copy: true } })
    }
  }
  const invokeOne = (exportsObject, callId, method, args) => {
    try {
      const fn = exportsObject[method]
      if (typeof fn !== 'function') return { ok: false, error: { name: 'UnknownMethodError', message: 'the extension exports no function ' + method } }
      const value = fn(...args)
      if (value == null || typeof value.then !== 'function') return { ok: true, value }
      value.then(v => { answer(callId, { ok: true, value: v }) }, err => { answer(callId, { ok: false, error: toWire(err) }) })
      return { pending: true }
    } catch (err) {
      return { ok: false, error: toWire(err) }
    }
  }
  globalThis.__hmInvoke = (exportsObject, calls) => calls.map(([callId, method, args]) => invokeOne(exportsObject, callId, method, args))
})()
`
}
