/**
 * The one base class for HyperMesh failures.
 *
 * Every failure has its own subclass whose `name` equals the class name, so callers branch on
 * `err.name` (the js-libp2p habit) and the control API turns it into a stable `code` without a
 * lookup table. `hint` is what a user can do about it; the CLI prints it under the message.
 */
export class HyperMeshError extends Error {
  /** A short, stable, machine-readable code (SCREAMING_SNAKE of the class name by default). */
  readonly code: string
  /** What the user can do next, shown by the CLI and the control API. */
  readonly hint?: string

  constructor (message: string, options: { hint?: string, cause?: unknown, code?: string } = {}) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.code = options.code ?? toCode(new.target.name)
    this.hint = options.hint
  }
}

/** `DataDirInUseError` → `DATA_DIR_IN_USE`. */
export function toCode (className: string): string {
  return className
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase()
}

/** Raised when an AbortSignal fires; kept distinct so callers can tell "cancelled" from "failed". */
export class AbortError extends HyperMeshError {
  constructor (message = 'The operation was aborted') {
    super(message, { code: 'ABORTED' })
  }
}

export function isNamed (err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name
}
