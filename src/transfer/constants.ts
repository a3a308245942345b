import { MAX_CHUNK_SIZE } from '../package/index.ts'

/** The protocol id; the version changes only with the wire format (protocols/stoq/SPEC.md, "Versioning"). */
export const PROTOCOL = '/hypermesh/stoq/1.0.0'

/** Largest frame header (CBOR): a request or error header is well under 200 bytes. */
export const MAX_HEADER_BYTES = 1024
/** Largest frame: one block (a chunk or a root object, both at most MAX_CHUNK_SIZE) plus its header. */
export const MAX_FRAME_BYTES = MAX_CHUNK_SIZE + MAX_HEADER_BYTES + 16
/** Most requests a getter may have unanswered on one stream; a provider resets a stream that sends more. */
export const MAX_IN_FLIGHT = 32

/**
 * Requests a getter keeps outstanding per provider stream. Eight 1 MiB chunks cover the
 * bandwidth-delay product of a fast LAN and most WANs while capping the getter's buffered
 * bytes at ~8 MiB per provider.
 */
export const DEFAULT_WINDOW = 8
/**
 * Fewest requests a getter keeps outstanding per provider when a fetch's window is shared among
 * several (swarm.ts): one answer being sent, the next read ahead by the provider, one more on its
 * way, so no provider idles between answers.
 */
export const MIN_PEER_WINDOW = 3
/** Most providers a fetch uses at once; more adds overhead without adding bandwidth. */
export const DEFAULT_MAX_PROVIDERS = 8
/** A provider with requests pending that sends nothing for this long is dropped as stalled. */
export const DEFAULT_STALL_TIMEOUT_MS = 10_000
/** How long to wait for a dial plus stream open to one provider. */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000
/** How long to look for providers in the DHT before fetching from those found so far. */
export const DEFAULT_FIND_PROVIDERS_TIMEOUT_MS = 15_000
/**
 * New streams a fetch opens to one peer after its stream failed (reset or closed, as when a
 * connection is replaced): enough to ride out a transient failure, few enough that a peer that
 * keeps resetting is given up on.
 */
export const MAX_REOPENS_PER_PEER = 2
/** How long a peer that sent a bad block is skipped by later fetches of this node. */
export const PENALTY_MS = 10 * 60_000

/**
 * Block buffers a provider stream keeps for reuse (send-buffers.ts): a getter acknowledges an
 * answer with its next request, so with the default window about that many answers are
 * unacknowledged, plus the block being read ahead and the one being sent. A getter with a
 * bigger window gets fresh buffers for the rest.
 */
export const SEND_BUFFERS_PER_STREAM = DEFAULT_WINDOW + 2

/** An inbound stream that sends no request for this long is closed (the timer resets per request). */
export const DEFAULT_INBOUND_IDLE_TIMEOUT_MS = 30_000
/** Concurrent inbound STOQ streams one peer may hold; a further stream is answered with LIMIT. */
export const DEFAULT_MAX_STREAMS_PER_PEER = 4
/** Registrar limits: room for the per-peer limit above with headroom for a fetch's sessions. */
export const MAX_INBOUND_STREAMS = 64
export const MAX_OUTBOUND_STREAMS = 64
