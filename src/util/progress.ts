import { CustomProgressEvent } from 'progress-events'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

export { CustomProgressEvent }
export type { ProgressEvent, ProgressOptions }

/**
 * Every long operation takes `{ signal, onProgress }`. Event names are `area:operation:step`
 * and `detail` stays plain JSON so it can cross the control API as NDJSON.
 */
export interface OperationOptions<Event extends ProgressEvent = ProgressEvent> extends ProgressOptions<Event> {
  signal?: AbortSignal
}

/** A progress event as it crosses a process boundary (one NDJSON line). */
export interface ProgressLine {
  type: string
  detail?: unknown
}

export function toProgressLine (event: ProgressEvent): ProgressLine {
  return { type: event.type, detail: event.detail }
}
