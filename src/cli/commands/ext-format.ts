import type { ExtensionInfo } from '../../extension-manager/index.ts'

/** The control API's base path for extensions (the daemon serves it; see the ext-* commands). */
export const EXTENSIONS_API = '/api/v1/extensions'

/** One line per extension: id, version, state, grants. */
export function extensionLine (e: ExtensionInfo): string {
  const grants = e.grantedCapabilities.length === 0 ? '-' : e.grantedCapabilities.join(',')
  return `${e.id.padEnd(20)} ${e.version.padEnd(10)} ${e.state.padEnd(10)} ${grants}`
}

export function extensionDetails (e: ExtensionInfo): string {
  const lines = [
    `id:           ${e.id} (${e.name})`,
    `version:      ${e.version}  category: ${e.category}`,
    `state:        ${e.state}${e.restarts > 0 ? `, ${e.restarts} restarts` : ''}${e.inFlight > 0 ? `, ${e.inFlight} calls in flight` : ''}`,
    `directory:    ${e.dir}`,
    `digest:       ${e.digest}`,
    `publisher:    ${e.publisher == null ? 'unsigned' : `${e.publisher.fingerprint} (${e.publisher.trustLevel ?? 'unknown trust'})`}`,
    `requested:    ${e.requestedCapabilities.join(', ') || '-'}`,
    `granted:      ${e.grantedCapabilities.join(', ') || '-'}`,
    `denied:       ${e.deniedCapabilities.join(', ') || '-'}`,
    `assets:       ${e.providedAssets.join(', ') || '-'}`,
    `dependencies: ${e.dependencies.map(d => `${d.extension_id}@${d.version_requirement}`).join(', ') || '-'}`
  ]
  if (e.quotas != null) {
    const q = e.quotas
    lines.push(`quotas:       cpu ${q.cpuPercent} %, memory ${q.memoryBytes} B, storage ${q.storageBytes} B, network ${q.networkBytesPerSecond} B/s, ${q.concurrentOperations} concurrent`)
  }
  if (e.lastError != null) lines.push(`last error:   ${e.lastError.name}: ${e.lastError.message}`)
  return lines.join('\n')
}
