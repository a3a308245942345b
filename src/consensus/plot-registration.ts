import { equalBytes, str } from './encoding.ts'
import { ParamsMismatchError, PlotLabelInvalidError, PlotOpeningInvalidError, PlotOwnerMismatchError, PlotParentInvalidError } from './errors.ts'
import { publicKeyOf } from './keys.ts'
import { challengeIndices, checkOpening, computeLabel, openLabel, parentIndices, plotSeed } from './plot.ts'
import { decodeCanonical, encodeCbor } from './wire.ts'
import { LIMITS, plotRegistration } from './schema.ts'
import type { ConsensusParams } from './params.ts'
import type { LabelOpening, Plot } from './plot.ts'

/**
 * A plot is registered once with the validators (SPEC.md §6.3): K challenged labels, each with
 * its predecessor and parents, all opened against the root. A validator recomputes every
 * challenged label from its parents before it signs a stake certificate naming the root, so a
 * root that does not commit to a mostly honest plot is caught with probability 1 − (1 − ε)^K.
 */

export interface RegistrationOpening {
  opening: LabelOpening
  /** The predecessor (i − 1) first, then the parents in derivation order; empty for label 0. */
  parents: LabelOpening[]
}

export interface PlotRegistration {
  node: string
  paramsId: string
  plotRoot: Uint8Array
  openings: RegistrationOpening[]
}

export function registrationChallenges (plotRoot: Uint8Array, node: string, params: ConsensusParams): number[] {
  return challengeIndices('plot-registration-challenge', params.registrationOpenings, params.plotLog2Labels, plotRoot, publicKeyOf(node), str(params.id))
}

function dependencies (seed: Uint8Array, index: number, params: ConsensusParams): number[] {
  return index === 0 ? [] : [index - 1, ...parentIndices(seed, index, params.plotParents)]
}

export function makeRegistration (plot: Plot, node: string, params: ConsensusParams): PlotRegistration {
  const openings = registrationChallenges(plot.root, node, params).map(index => ({
    opening: openLabel(plot, index),
    parents: dependencies(plot.seed, index, params).map(parent => openLabel(plot, parent))
  }))
  return { node, paramsId: params.id, plotRoot: plot.root, openings }
}

/** Throws the named error of the first check that fails; `node` is who asks to register. */
export function verifyRegistration (registration: PlotRegistration, node: string, params: ConsensusParams): void {
  if (registration.node !== node) throw new PlotOwnerMismatchError('the plot is registered for another node')
  if (registration.paramsId !== params.id) throw new ParamsMismatchError(`plot made for ${registration.paramsId}, expected ${params.id}`)
  const seed = plotSeed(publicKeyOf(node), params)
  const indices = registrationChallenges(registration.plotRoot, node, params)
  if (registration.openings.length !== indices.length) throw new PlotOpeningInvalidError(`expected ${indices.length} registration openings`)
  const n = params.plotLog2Labels
  indices.forEach((index, j) => {
    const { opening, parents } = registration.openings[j]
    if (!checkOpening(registration.plotRoot, index, opening, n)) throw new PlotOpeningInvalidError(`label ${index} does not lead to the plot root`)
    const wanted = dependencies(seed, index, params)
    if (parents.length !== wanted.length) throw new PlotParentInvalidError(`label ${index} needs ${wanted.length} parents`)
    wanted.forEach((parent, p) => {
      if (!checkOpening(registration.plotRoot, parent, parents[p], n)) throw new PlotParentInvalidError(`parent ${parent} of label ${index} does not lead to the plot root`)
    })
    const labels = parents.map(p => p.label)
    const expected = computeLabel(seed, index, labels[0], labels.slice(1))
    if (!equalBytes(expected, opening.label)) throw new PlotLabelInvalidError(`label ${index} is not derived from its parents`)
  })
}

export function encodeRegistration (registration: PlotRegistration): Uint8Array {
  return encodeCbor(registration)
}

export function decodeRegistration (bytes: Uint8Array): PlotRegistration {
  return decodeCanonical(bytes, plotRegistration, LIMITS.registrationBytes, (message, cause) => new PlotOpeningInvalidError(`plot registration: ${message}`, { cause }))
}
