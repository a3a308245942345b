import { CAPABILITIES } from '../package/index.ts'
import type { Capability } from '../package/index.ts'

/**
 * Which capabilities this node lets an extension have. An extension gets the union of what
 * `default`, its publisher's trust level, its publisher and its own id allow; anything not
 * listed anywhere is denied.
 */
export interface CapabilityPolicy {
  /**
   * Allowed for every extension, signed or not.
   * @default ['AssetManagement']
   */
  default?: Capability[]
  /** Allowed by the publisher's trust level as the TrustChain reports it (e.g. `anchor`, `verified`). */
  trustLevels?: Record<string, Capability[]>
  /** Allowed by publisher certificate fingerprint (`SHA256:<hex>`). */
  publishers?: Record<string, Capability[]>
  /** Allowed for one extension id. */
  extensions?: Record<string, Capability[]>
}

/** AssetManagement only: an unknown extension may manage its own assets and nothing more. */
export const DEFAULT_POLICY: Readonly<Required<Pick<CapabilityPolicy, 'default'>>> = Object.freeze({ default: ['AssetManagement'] })

export interface GrantSubject {
  extensionId: string
  /** The publisher's certificate fingerprint, when the package was signed. */
  publisher?: string
  trustLevel?: string
  /** The capabilities the publisher's certificate is scoped to, when it is scoped. */
  certificateScope?: readonly string[]
}

export interface Grant {
  granted: readonly Capability[]
  denied: readonly Capability[]
}

/**
 * The one place an extension's grants are decided: requested ∩ policy (∩ certificate scope).
 * The result is frozen; the manager keeps it for the life of the activation.
 */
export function grantCapabilities (requested: readonly string[], policy: CapabilityPolicy, subject: GrantSubject): Grant {
  const allowed = new Set<string>([
    ...(policy.default ?? DEFAULT_POLICY.default),
    ...(subject.trustLevel != null ? policy.trustLevels?.[subject.trustLevel] ?? [] : []),
    ...(subject.publisher != null ? policy.publishers?.[subject.publisher] ?? [] : []),
    ...(policy.extensions?.[subject.extensionId] ?? [])
  ])
  const scope = subject.certificateScope != null ? new Set(subject.certificateScope) : undefined
  const granted: Capability[] = []
  const denied: Capability[] = []
  for (const capability of new Set(requested)) {
    if (!isCapability(capability)) continue
    const ok = allowed.has(capability) && (scope == null || scope.has(capability))
    ;(ok ? granted : denied).push(capability)
  }
  return Object.freeze({ granted: Object.freeze(granted), denied: Object.freeze(denied) })
}

export function isCapability (value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value)
}
