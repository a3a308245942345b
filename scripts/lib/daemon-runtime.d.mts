/** V8 flags `hypermesh daemon` runs with (see daemon-runtime.mjs). */
export const DAEMON_NODE_FLAGS: string[]
/** glibc tunables `hypermesh daemon` runs with (see daemon-runtime.mjs). */
export const DAEMON_GLIBC_TUNABLES: string[]
/** `current` plus each daemon tunable whose name it does not already set. */
export function daemonGlibcTunables (current?: string): string
