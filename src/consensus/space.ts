import { SpaceOpeningInvalidError } from './errors.ts'
import { challengeIndices, checkOpening, openLabel } from './plot.ts'
import type { ConsensusParams } from './params.ts'
import type { LabelOpening, Plot } from './plot.ts'

/**
 * Proof of space per bundle (SPEC.md §6.4): k labels chosen by (context, plot root), each with
 * its Merkle path. The labels' parents were checked once, at registration (plot-registration.ts).
 */

export function spaceChallenges (contextHash: Uint8Array, plotRoot: Uint8Array, params: ConsensusParams): number[] {
  return challengeIndices('space-challenge', params.spaceOpenings, params.plotLog2Labels, contextHash, plotRoot)
}

export function proveSpace (plot: Plot, contextHash: Uint8Array, params: ConsensusParams): LabelOpening[] {
  return spaceChallenges(contextHash, plot.root, params).map(index => openLabel(plot, index))
}

export function verifySpace (plotRoot: Uint8Array, contextHash: Uint8Array, openings: LabelOpening[], params: ConsensusParams): void {
  const indices = spaceChallenges(contextHash, plotRoot, params)
  if (openings.length !== indices.length) throw new SpaceOpeningInvalidError(`expected ${indices.length} space openings`)
  indices.forEach((index, j) => {
    if (!checkOpening(plotRoot, index, openings[j], params.plotLog2Labels)) {
      throw new SpaceOpeningInvalidError(`space opening ${j} (label ${index}) does not lead to the plot root`)
    }
  })
}
