import { logger } from '@libp2p/logger'
import { beaconMessage, beaconValue } from './beacon.ts'
import { createCaches } from './caches.ts'
import { askValidator, collectQuorum } from './client.ts'
import { epochAt } from './epoch.ts'
import { PlotFileMissingError, ValidatorRefusedError } from './errors.ts'
import { loadPlot } from './plot-file.ts'
import { makeRegistration } from './plot-registration.ts'
import { makeBundle } from './prove.ts'
import { PROTOCOL } from './protocol.ts'
import { stakeCertificateDigest } from './stake.ts'
import { prepareTrustRoot } from './trust-root.ts'
import { Validator, validatorHandler } from './validator.ts'
import { ConsensusVerifier } from './verifier.ts'
import { withTimeout } from '../util/abort.ts'
import type { StreamOpener } from './client.ts'
import type { Operation } from './context.ts'
import type { ProfileName } from './params.ts'
import type { Plot } from './plot.ts'
import type { ConsensusRequest } from './protocol.ts'
import type { SignatureShare } from './quorum.ts'
import type { StakeCertificate, StakeCertificateBody } from './stake.ts'
import type { ConsensusTrustRoot, PreparedTrustRoot } from './trust-root.ts'
import type { Expectation, VerifiedBundle } from './verifier.ts'
import type { OperationOptions } from '../util/progress.ts'
import type { AbortOptions, PrivateKey, Startable, StreamHandler } from '@libp2p/interface'

const log = logger('hypermesh:consensus:service')

/** A validator round trip is one signature; ten seconds covers a slow peer and a registration check. */
export const REQUEST_TIMEOUT_MS = 10_000
/** Validators answer a handful of requests per node per epoch; this bounds a flood. */
export const MAX_INBOUND_STREAMS = 64
/** Renew a stake certificate once less than this share of its validity is left. */
const RENEW_FRACTION = 0.1

export interface ConsensusServiceInit {
  /** This node's libp2p Ed25519 key (the same as the libp2p node's). */
  privateKey: PrivateKey
  /** The mesh id of the trust root; hashed into every proof. */
  meshId: string
  validators: Array<{ peerId: string, weight: number }>
  /** Least validator weight for a beacon or certificate; must exceed 2/3 of the total. */
  threshold: number
  /** Genesis stake allocations (the trust root's `stake`). */
  stakeAllocations: Array<{ peerId: string, amount: number }>
  profile: ProfileName
  /**
   * Serve `/hypermesh/consensus/1.0.0` as a validator. A node not in `validators` never serves.
   * @default true when this node is one of `validators`
   */
  validator?: boolean
  /**
   * Time allowed to each inbound stream and, without a caller signal, to each outbound request.
   * @default REQUEST_TIMEOUT_MS
   */
  timeoutMs?: number
  /**
   * Most concurrent inbound streams.
   * @default MAX_INBOUND_STREAMS
   */
  maxInboundStreams?: number
  /**
   * This node's plot file (see `defaultPlotPath`), loaded on the first `prove` that names no plot.
   * @default none: `prove` must be given the plot
   */
  plotPath?: string
  /**
   * The clock, in Unix milliseconds.
   * @default Date.now
   */
  now?: () => number
}

/** The libp2p components the service uses, and nothing more. */
export interface ConsensusServiceComponents {
  registrar: {
    handle: (protocol: string, handler: StreamHandler, options?: { maxInboundStreams?: number, maxOutboundStreams?: number }) => Promise<void>
    unhandle: (protocol: string) => Promise<void>
  }
  connectionManager: StreamOpener
}

export interface EpochBeacon {
  epoch: number
  shares: SignatureShare[]
  value: Uint8Array
}

export interface StakeRequestOptions extends AbortOptions {
  /** @default this node's whole genesis allocation */
  amount?: number
  /** @default the profile's maximum certificate validity (one day) */
  validityMs?: number
}

export interface ProveRequest {
  op: Operation
  digest: string
  /** @default the plot loaded from `plotPath` */
  plot?: Plot
}

/** The consensus service on a libp2p node: validator role, beacon and certificate client, prover, verifier. */
export class ConsensusService implements Startable {
  readonly root: PreparedTrustRoot
  readonly isValidator: boolean
  readonly verifier: ConsensusVerifier
  private readonly components: ConsensusServiceComponents
  private readonly init: ConsensusServiceInit
  private readonly self: string
  private readonly local?: Validator
  private readonly now: () => number
  private readonly timeoutMs: number
  private readonly beacons = new Map<number, Promise<EpochBeacon>>()
  private readonly certificates = new Map<string, StakeCertificate>()
  private plot?: Promise<Plot>

  constructor (components: ConsensusServiceComponents, init: ConsensusServiceInit) {
    this.components = components
    this.init = init
    this.root = prepareTrustRoot({
      meshId: init.meshId, validators: init.validators, threshold: init.threshold, stake: init.stakeAllocations, consensus: { profile: init.profile }
    })
    this.self = init.privateKey.publicKey.toString()
    this.now = init.now ?? Date.now
    this.timeoutMs = init.timeoutMs ?? REQUEST_TIMEOUT_MS
    this.isValidator = this.root.weights.has(this.self) && init.validator !== false
    if (this.root.weights.has(this.self)) this.local = new Validator(init.privateKey, this.root, this.now)
    this.verifier = new ConsensusVerifier(this.root, { now: this.now, caches: createCaches() })
  }

  readonly [Symbol.toStringTag] = 'hypermesh:consensus'

  async start (): Promise<void> {
    if (!this.isValidator) return
    await this.components.registrar.handle(PROTOCOL, validatorHandler(this.local as Validator, this.timeoutMs), { maxInboundStreams: this.init.maxInboundStreams ?? MAX_INBOUND_STREAMS })
    log('serving %s as validator %s', PROTOCOL, this.self)
  }

  async stop (): Promise<void> {
    if (this.isValidator) await this.components.registrar.unhandle(PROTOCOL)
    this.beacons.clear()
  }

  /** Sends a request to a validator, or answers it here when this node is that validator. */
  private async ask (validator: string, request: ConsensusRequest, options: AbortOptions): Promise<SignatureShare> {
    if (validator === this.self && this.local != null) {
      const response = await this.local.answer(request, this.self)
      if (response.status === 'ok') return response.share
      throw new ValidatorRefusedError(`this validator refused: ${response.code}: ${response.message}`, { code: `VALIDATOR_${response.code}` })
    }
    return askValidator(this.components.connectionManager, validator, request, options)
  }

  /** The beacon of `epoch` (default: the current one), from a threshold of validators; cached. */
  async beacon (epoch = epochAt(this.now(), this.root.params), options: AbortOptions = {}): Promise<EpochBeacon> {
    let pending = this.beacons.get(epoch)
    if (pending == null) {
      pending = this.collectBeacon(epoch, options)
      this.beacons.set(epoch, pending)
      pending.catch(() => this.beacons.delete(epoch))
      for (const old of this.beacons.keys()) if (old < epoch - 2) this.beacons.delete(old)
    }
    return pending
  }

  private async collectBeacon (epoch: number, options: AbortOptions): Promise<EpochBeacon> {
    const signal = withTimeout(options.signal, this.timeoutMs)
    try {
      const request: ConsensusRequest = { type: 'beacon-share', meshId: this.root.id, epoch }
      const shares = await collectQuorum(this.root, async (v, o) => this.ask(v, request, o), beaconMessage(this.root.id, epoch), { signal })
      return { epoch, shares, value: beaconValue(this.root.id, epoch, shares) }
    } finally {
      signal.clear()
    }
  }

  /** A stake certificate for this node's plot, signed by a threshold of validators; reused until near expiry. */
  async stakeCertificate (plot: Plot, options: StakeRequestOptions = {}): Promise<StakeCertificate> {
    const { params } = this.root
    const now = this.now()
    const key = Buffer.from(plot.root).toString('hex')
    const held = this.certificates.get(key)
    if (held != null && options.amount == null && held.notAfter - now > RENEW_FRACTION * (held.notAfter - held.notBefore)) return held
    const body: StakeCertificateBody = {
      node: this.self,
      amount: options.amount ?? this.root.allocations.get(this.self) ?? 0,
      plotRoot: plot.root,
      notBefore: now,
      notAfter: now + (options.validityMs ?? params.maxCertificateValidityMs),
      trustRootId: this.root.id,
      paramsId: params.id
    }
    const request: ConsensusRequest = { type: 'stake-signature', certificate: body, registration: makeRegistration(plot, this.self, params) }
    const signal = withTimeout(options.signal, this.timeoutMs)
    try {
      const signatures = await collectQuorum(this.root, async (v, o) => this.ask(v, request, o), stakeCertificateDigest(body), { signal })
      const certificate = { ...body, signatures }
      this.certificates.set(key, certificate)
      return certificate
    } finally {
      signal.clear()
    }
  }

  /** Makes a bundle for the current epoch: beacon and certificate from the validators, then the proofs. */
  async prove (request: ProveRequest, options: OperationOptions = {}): Promise<Uint8Array> {
    const plot = request.plot ?? await this.ownPlot(options)
    const epoch = epochAt(this.now(), this.root.params)
    const [beacon, stake] = await Promise.all([this.beacon(epoch, options), this.stakeCertificate(plot, options)])
    return makeBundle({ op: request.op, digest: request.digest, plot, privateKey: this.init.privateKey, trustRoot: this.root, epoch, beacon: beacon.shares, stake }, options)
  }

  /** The plot from `plotPath`, loaded once (a failed load is retried next time). */
  private async ownPlot (options: AbortOptions): Promise<Plot> {
    if (this.init.plotPath == null) throw new PlotFileMissingError('no plot given and no plotPath configured', { hint: 'run `hypermesh plot create`' })
    if (this.plot == null) {
      this.plot = loadPlot(this.init.plotPath, this.init.privateKey.publicKey.raw, options)
      this.plot.catch(() => { this.plot = undefined })
    }
    return this.plot
  }

  /** Verifies a bundle with this node's caches and replay cache (pure, synchronous). */
  verify (bytes: Uint8Array, expected: Expectation): VerifiedBundle {
    return this.verifier.verify(bytes, expected)
  }
}

/** The service's init from a mesh trust root (e.g. the trust area's verified mesh-root body). */
export function consensusInitFromTrustRoot (root: ConsensusTrustRoot, privateKey: PrivateKey, extra: Partial<ConsensusServiceInit> = {}): ConsensusServiceInit {
  return {
    privateKey,
    meshId: root.meshId,
    validators: root.validators,
    threshold: root.threshold,
    stakeAllocations: root.stake,
    profile: root.consensus.profile,
    ...extra
  }
}

/** `services: { consensus: consensusService({ privateKey, meshId, validators, threshold, stakeAllocations, profile }) }` */
export function consensusService (init: ConsensusServiceInit): (components: ConsensusServiceComponents) => ConsensusService {
  return (components) => new ConsensusService(components, init)
}
