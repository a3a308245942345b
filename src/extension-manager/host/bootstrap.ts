/**
 * The code that runs first in every isolate, as a closure over two host references: `$0` takes
 * capability requests, `$1` answers calls whose export returned a promise. It builds
 * `globalThis.hm` (the only door out of the isolate) and returns the one function the host
 * enters the isolate through; no reference is ever reachable from package code. The host still
 * checks every call: what the isolate sees is convenience, not the security boundary.
 */
/**
 * Appended to an extension's module source: it runs after every top-level statement, so after
 * every top-level await. isolated-vm's evaluate() settles when the module's synchronous part has
 * run and does not hand over the evaluation promise, so this is how the host learns that the
 * module has finished (calls before then would meet uninitialised bindings).
 */
export const MODULE_EVALUATED_SUFFIX = "\n;globalThis[Symbol.for('hypermesh.evaluated')]?.();\n"

export function bootstrapSource (capabilities: string[]): string {
  return `
  const hostCall = $0
  const settle = $1
  const evaluated = $2
  // the last statement of the module (MODULE_EVALUATED_SUFFIX) calls this once its top-level awaits are done
  Object.defineProperty(globalThis, Symbol.for('hypermesh.evaluated'), {
    configurable: true,
    value: () => {
      delete globalThis[Symbol.for('hypermesh.evaluated')]
      evaluated.applyIgnored(undefined, [])
    }
  })
  // A capability call leaves with applyIgnored (it never blocks); its answer comes back in a
  // later run (deliver below), whose promise continuations run before that run ends.
  const waiting = new Map()
  let nextRequest = 0
  const call = (capability, operation, ...args) => new Promise((resolve, reject) => {
    const requestId = nextRequest++
    waiting.set(requestId, { resolve, reject })
    try {
      hostCall.applyIgnored(undefined, [requestId, capability, operation, args], { arguments: { copy: true } })
    } catch (err) {
      waiting.delete(requestId)
      reject(err)
    }
  })
  const deliver = (replies) => {
    for (let i = 0; i < replies.length; i += 3) {
      const settle = waiting.get(replies[i])
      waiting.delete(replies[i])
      if (settle == null) continue
      if (replies[i + 1]) {
        settle.resolve(replies[i + 2])
      } else {
        const e = new Error(replies[i + 2].message)
        e.name = replies[i + 2].name
        settle.reject(e)
      }
    }
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
  // Calls come as flat triples (callId, method, args); the synchronous answers go back the same
  // way (callId, ok, value) as the result of the run. An export that returns a promise is
  // answered later through settle, so a plain call never waits on promise plumbing.
  const toWire = (err) => ({ name: String(err?.name ?? 'Error'), message: String(err?.message ?? err) })
  const answer = (callId, ok, value) => {
    try {
      settle.applyIgnored(undefined, [callId, ok, value], { arguments: { copy: true } })
    } catch (err) {
      settle.applyIgnored(undefined, [callId, false, toWire(err)], { arguments: { copy: true } })
    }
  }
  // one run: capability answers first (their continuations run as this run ends), then calls
  return (exportsObject, calls, replies) => {
    deliver(replies)
    const answers = []
    for (let i = 0; i < calls.length; i += 3) {
      const callId = calls[i]
      try {
        const fn = exportsObject[calls[i + 1]]
        if (typeof fn !== 'function') {
          answers.push(callId, false, { name: 'UnknownMethodError', message: 'the extension exports no function ' + calls[i + 1] })
          continue
        }
        const value = fn(...calls[i + 2])
        if (value == null || typeof value.then !== 'function') {
          answers.push(callId, true, value)
        } else {
          value.then(v => { answer(callId, true, v) }, err => { answer(callId, false, toWire(err)) })
        }
      } catch (err) {
        answers.push(callId, false, toWire(err))
      }
    }
    return answers
  }
`
}
