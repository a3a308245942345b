/** Small helpers the registry benchmark's parts share. */

/** The p-th percentile (nearest rank) of `xs`; NaN for none. */
export function pct (xs: number[], p: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))]
}

/** One decimal: benchmark figures, not measurements to the microsecond. */
export const round = (x: number): number => Math.round(x * 10) / 10

/** A random element of `xs` other than `not`. */
export function pick<T> (xs: T[], not?: T): T {
  if (xs.length === 0 || (xs.length === 1 && xs[0] === not)) throw new Error('nothing to pick')
  for (;;) {
    const x = xs[Math.floor(Math.random() * xs.length)]
    if (x !== not) return x
  }
}

/** Runs `fn` over `items`, `size` at a time (a 2-core box cannot start hundreds of nodes at once). */
export async function inBatches<T> (size: number, items: T[], fn: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(async (x, j) => fn(x, i + j)))
}
