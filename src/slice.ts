import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long synchronous file-system work runs before it lets timers (the progress line) run. */
export const SLICE_MS = 50

/**
 * Returns a function to call between units of synchronous work: it yields to the event loop
 * once `sliceMs` have passed since the last yield, and is a no-op (no promise) otherwise.
 *
 * The walk and the removal use synchronous `fs` calls: on a tree whose metadata is cached (the
 * usual case right after a build or a test run), a thread-pool hop and a promise per call cost
 * more than the system call itself. See docs/performance.md.
 */
export function slicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let until = Date.now() + sliceMs
  return () => {
    if (Date.now() < until) return undefined
    return nextTurn().then(() => {
      until = Date.now() + sliceMs
    })
  }
}
