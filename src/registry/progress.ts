import type { CustomProgressEvent } from '../util/progress.ts'
import type { PackProgress, UnpackProgress } from '../package/index.ts'
import type { StoqFetchProgress } from '../transfer/index.ts'
import type { DhtProgressEvents } from '../node/index.ts'

/**
 * Progress events of registry operations (plain-JSON detail, so they cross the control API as
 * NDJSON). Each operation's type is the union of its own events and those of the layers it calls.
 */
export type PublishProgress =
  | PackProgress
  | DhtProgressEvents
  | CustomProgressEvent<{ name: string, version: string, manifest: string, root: string, size: number }, 'registry:publish:packed'>
  | CustomProgressEvent<{ name: string, sequence: number, expires: string, bytes: number }, 'registry:publish:signed'>
  | CustomProgressEvent<{ manifest: string, proof: string, bytes: number }, 'registry:publish:proved'>
  | CustomProgressEvent<{ keys: number }, 'registry:publish:provided'>
  | CustomProgressEvent<{ name: string, acceptedBy: number, rejectedBy: number }, 'registry:publish:stored'>

export type SearchProgress =
  | CustomProgressEvent<{ key: string, peers: number }, 'registry:search:providers'>
  | CustomProgressEvent<{ peer: string, records: number, error?: string }, 'registry:search:catalog'>

export type FetchProgress =
  | StoqFetchProgress
  | UnpackProgress
  | CustomProgressEvent<{ name: string, version: string, manifest: string, publisher: string }, 'registry:fetch:resolved'>
  | CustomProgressEvent<{ manifest: string, proof: string }, 'registry:fetch:proof'>
  | CustomProgressEvent<{ manifest: string, root: string, size: number }, 'registry:fetch:verified'>
  | CustomProgressEvent<{ dir: string, files: number, size: number }, 'registry:fetch:unpacked'>
