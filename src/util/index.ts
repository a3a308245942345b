/**
 * Small shared pieces every area uses: the error base class, AbortSignal helpers and
 * progress-event types. Nothing here knows about the network or the disk.
 */
export * from './errors.ts'
export * from './abort.ts'
export * from './progress.ts'
export * from './provider-key.ts'
