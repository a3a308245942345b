import type { ProgressEvent } from '../util/progress.ts'

/**
 * What every command module receives. A command module lives in `src/cli/commands/<name>.ts`
 * and exports `run(ctx, args, opts)`; `src/cli/commands.ts` lists every command, its options and
 * examples, and imports the module lazily.
 */
export interface CliContext {
  /** Results (stdout) and diagnostics/progress (stderr), `--json` aware. */
  out: CliOutput
  /** Global options: `--data-dir`, `--api`, `--json`. */
  global: GlobalOptions
  /** A client for the running daemon's control API (lazily reads the API token from the data dir). */
  api: () => Promise<ApiClient>
}

export interface GlobalOptions {
  dataDir: string
  json: boolean
  api?: string
}

export interface CliOutput {
  readonly json: boolean
  /**
   * The command's result. With `--json` it prints `value` as one JSON document on stdout;
   * otherwise it prints `human` (or a readable rendering of `value`).
   */
  result: (value: unknown, human?: string | (() => string)) => void
  /** A diagnostic line on stderr (suppressed with `--json`, which stays machine-readable). */
  info: (message: string) => void
  /** A progress event: NDJSON on stderr with `--json`, a progress bar on a TTY, nothing otherwise. */
  progress: (event: ProgressEvent | { type: string, detail?: unknown }) => void
  /** Ends any progress bar line. */
  done: () => void
}

export interface ApiClient {
  readonly url: string
  request: <T = unknown>(method: string, path: string, body?: unknown, options?: { signal?: AbortSignal }) => Promise<T>
  /** A streamed NDJSON request: progress lines go to `onLine`, the final `{ result }` line is returned. */
  stream: <T = unknown>(method: string, path: string, body: unknown, onLine: (line: { type: string, detail?: unknown }) => void, options?: { signal?: AbortSignal }) => Promise<T>
}

export type CommandRun = (ctx: CliContext, args: string[], opts: Record<string, any>) => Promise<void>
