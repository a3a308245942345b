import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * Provers are CPU-bound loops. Every this many steps they give the event loop a turn, so an
 * AbortSignal can fire and a daemon keeps answering; about 10–40 ms of work between turns.
 */
export const STEPS_PER_TURN = 4096

/** Gives the event loop a turn, then throws if the signal has fired. */
export async function turn (signal?: AbortSignal): Promise<void> {
  await nextTurn()
  signal?.throwIfAborted()
}
