/**
 * What one extension may use. Every limit is enforced (see index.ts for where), and each can
 * be set per extension in the node config.
 */
export interface ExtensionQuotas {
  /**
   * Share of one CPU core the extension may use on average, in percent.
   * @default 25
   */
  cpuPercent: number
  /**
   * CPU time the extension may run above its share before it is stopped, in ms: room for a
   * short burst such as initialisation, none for a loop that never ends.
   * @default 1000
   */
  cpuBurstMs: number
  /**
   * Heap of the extension's isolate including ArrayBuffers, in bytes (rounded up to MiB).
   * @default 1 GiB
   */
  memoryBytes: number
  /**
   * Bytes the extension may keep in its own storage.
   * @default 10 GiB
   */
  storageBytes: number
  /**
   * Bytes per second the extension may send through NetworkAccess.
   * @default 100 MB/s
   */
  networkBytesPerSecond: number
  /**
   * Operations in flight at once, counted separately for calls into the extension and calls
   * it makes to capabilities; one more is refused, not queued.
   * @default 100
   */
  concurrentOperations: number
  /**
   * CPU time one synchronous run of extension code may take, in ms.
   * @default 1000
   */
  callTimeoutMs: number
}

/** The seed's defaults (DESIGN.md, "Extensions"). */
export const DEFAULT_QUOTAS: Readonly<ExtensionQuotas> = Object.freeze({
  cpuPercent: 25,
  cpuBurstMs: 1000,
  memoryBytes: 1024 * 1024 * 1024,
  storageBytes: 10 * 1024 * 1024 * 1024,
  networkBytesPerSecond: 100 * 1000 * 1000,
  concurrentOperations: 100,
  callTimeoutMs: 1000
})

/** isolated-vm refuses memory limits below 8 MiB: V8 needs that much to start an isolate. */
export const MIN_MEMORY_BYTES = 8 * 1024 * 1024

export function resolveQuotas (...overrides: Array<Partial<ExtensionQuotas> | undefined>): ExtensionQuotas {
  const quotas: ExtensionQuotas = Object.assign({}, DEFAULT_QUOTAS, ...overrides.filter(o => o != null))
  quotas.memoryBytes = Math.max(quotas.memoryBytes, MIN_MEMORY_BYTES)
  return quotas
}
