import type { CliOutput } from './context.ts'

/** Redraws at most this often: a terminal cannot show more and redraws cost CPU in the hot path. */
const BAR_REDRAW_MS = 100
const BAR_WIDTH = 28

function formatBytes (n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++ }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`
}

function formatSeconds (s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--'
  if (s < 60) return `${Math.round(s)}s`
  return `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, '0')}s`
}

/**
 * One place decides how results, diagnostics and progress reach the user: results on stdout
 * (one JSON document with `--json`), everything else on stderr, progress as NDJSON with `--json`
 * and as a redrawn bar on a TTY.
 */
export function createOutput (json: boolean, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): CliOutput {
  const tty = stderr.isTTY === true && !json
  let lastDraw = 0
  let barShown = false
  let startedAt: number | undefined
  // peers that have sent data so far: transfer events name one peer each
  const peersSeen = new Set<string>()

  const drawBar = (type: string, detail: any): void => {
    const now = Date.now()
    startedAt ??= now
    if (typeof detail?.peer === 'string') peersSeen.add(detail.peer)
    const total = Number(detail?.total ?? detail?.totalBytes ?? detail?.size)
    const done = Number(detail?.received ?? detail?.bytes ?? detail?.done ?? detail?.completed)
    const final = Number.isFinite(total) && done >= total
    if (!final && now - lastDraw < BAR_REDRAW_MS) return
    lastDraw = now
    let line = type
    if (Number.isFinite(total) && total > 0 && Number.isFinite(done)) {
      const frac = Math.min(1, done / total)
      const filled = Math.round(frac * BAR_WIDTH)
      const rate = done / Math.max(0.001, (now - startedAt) / 1000)
      const eta = rate > 0 ? (total - done) / rate : Infinity
      line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(frac * 100).toFixed(1)}% ${formatBytes(done)}/${formatBytes(total)} ${formatBytes(rate)}/s`
      const peers = typeof detail?.peers === 'number' ? detail.peers : peersSeen.size
      if (peers > 0) line += ` peers ${peers}`
      line += ` eta ${formatSeconds(eta)}`
    } else if (detail != null && typeof detail === 'object') {
      const brief = Object.entries(detail).filter(([, v]) => typeof v !== 'object').slice(0, 3).map(([k, v]) => `${k}=${String(v)}`).join(' ')
      line = `${type} ${brief}`
    }
    stderr.write(`\r\x1b[2K${line.slice(0, (stderr.columns ?? 100) - 1)}`)
    barShown = true
  }

  return {
    json,
    result (value, human) {
      if (json) {
        stdout.write(JSON.stringify(value) + '\n')
        return
      }
      const text = typeof human === 'function' ? human() : human
      stdout.write((text ?? (typeof value === 'string' ? value : JSON.stringify(value, null, 2))) + '\n')
    },
    info (message) {
      if (!json) {
        if (barShown) { stderr.write('\n'); barShown = false }
        stderr.write(message + '\n')
      }
    },
    progress (event) {
      const line = { type: event.type, detail: (event as any).detail }
      if (json) {
        stderr.write(JSON.stringify(line) + '\n')
      } else if (tty) {
        drawBar(line.type, line.detail)
      }
    },
    done () {
      if (barShown) { stderr.write('\n'); barShown = false }
    }
  }
}

export { formatBytes }
