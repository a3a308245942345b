/** How a crashed extension is brought back: exponential backoff, and a limit on how often. */
export interface RestartPolicy {
  /**
   * Delay before the first restart after a crash, in ms.
   * @default 100
   */
  initialDelayMs: number
  /**
   * Longest delay between restarts, in ms.
   * @default 30000
   */
  maxDelayMs: number
  /**
   * Crashes in a row after which the extension is marked failed and left stopped.
   * @default 5
   */
  maxRestarts: number
  /**
   * Uptime after which earlier crashes are forgiven, in ms.
   * @default 60000
   */
  stableAfterMs: number
}

export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  stableAfterMs: 60_000
})

/** The delay before restart number `attempt` (1-based): initial · 2^(attempt−1), capped. */
export function restartDelay (policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1))
}
