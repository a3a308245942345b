import { isatty } from 'node:tty'

/**
 * Import this module before anything that loads `@libp2p/logger` (a side effect only).
 *
 * The logger (weald) decides colours with `isatty(stderr)` every time a logger is made unless
 * DEBUG_COLORS is set, and libp2p makes several loggers per stream (muxer, multistream-select,
 * protocol handlers): `isatty` was 9 % of a 100-node in-process mesh's CPU. weald reads the
 * variable once, when it loads, so it is settled here first with the same answer isatty gives.
 */
process.env.DEBUG_COLORS ??= isatty(process.stderr.fd) ? 'true' : 'false'
