/**
 * Live counters for the progress line of a long run. The walker and the remover add to them as
 * they go; the entry layer reads them on a timer. Plain data, so the domain modules stay free of
 * logging.
 */
export interface Progress {
  /** Directory entries read so far. */
  entries: number
  /** Files, links and directories removed (or that would be, in a dry run). */
  removed: number
  /** Bytes of the removed files and links. */
  bytes: number
}

export function newProgress(): Progress {
  return { entries: 0, removed: 0, bytes: 0 }
}
