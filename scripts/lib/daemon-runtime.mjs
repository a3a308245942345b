// How the `hypermesh daemon` process runs: the V8 flags and glibc malloc tunables it sets for
// itself (bin/hypermesh.mjs re-executes the daemon with them), kept here so that a benchmark can
// give every process it measures the same runtime as the daemon.

/**
 * A 1 MiB V8 young generation. A transfer allocates short-lived buffers fast and, with V8's
 * default (up to 16 MiB per semi-space), the young generation grows before it is collected: a
 * daemon fetching 1 GiB peaked at 276 MiB RSS, 188 MiB with the flag (the STOQ target is
 * < 200 MiB). V8 reads the flag only at start.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1']

/**
 * glibc's `hugetlb=1`: malloc advises transparent huge pages for its heap and, what matters for a
 * STOQ provider, aligns the heap's brk calls to the huge-page size (2 MiB) instead of 4 KiB pages.
 * Node's Noise encryption allocates a 64 KiB output per message (and a right-sized copy of it);
 * as these come and go, glibc with its defaults trims the top of the heap and grows it again, and
 * every regrown page faults in anew. Measured on this project's 2-core VM (its kernel backs no
 * huge pages: AnonHugePages stays 0, so only the 2 MiB steps act): three providers serving one
 * getter had 19–49 k minor faults each per run, ~12.4 k (their idle count) with the tunable; in
 * bench:transfer at 1 GiB, providers spent 24–26 % less CPU and the fetches ran 10–13 % faster.
 * The price is a few MiB at a 3-source getter's peak: a daemon fetching 1 GiB peaked at 157–164
 * MiB RSS from 1 source and 194–207 from 3 (without it 157–173 and 194–222); the bench's getter
 * at 193–206 from 3 against 189–198 in the same session. MALLOC_TOP_PAD_ /
 * MALLOC_TRIM_THRESHOLD_ remove the churn too but raised those peaks by 10–15 MiB. Read once,
 * when the process starts; glibc ignores names it does not know and other C libraries ignore
 * the variable.
 */
export const DAEMON_GLIBC_TUNABLES = ['glibc.malloc.hugetlb=1']

/**
 * The GLIBC_TUNABLES value a daemon runs with: `current` (the user's, if any) plus each of
 * DAEMON_GLIBC_TUNABLES whose name it does not already set, so a user's own choice wins
 * (e.g. `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` turns this off).
 */
export function daemonGlibcTunables (current = '') {
  const names = new Set(current.split(':').filter(Boolean).map(t => t.split('=')[0]))
  const added = DAEMON_GLIBC_TUNABLES.filter(t => !names.has(t.split('=')[0]))
  return [current, ...added].filter(Boolean).join(':')
}
