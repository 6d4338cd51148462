import * as fs from 'node:fs'

/** Handles at most still being closed on the thread pool before the walk waits for them. */
export const CLOSE_LIMIT = 128
/**
 * Closes timed before deciding where the next ones go. A thread-pool close costs the walk about
 * 5 µs (a request and a wake-up) instead of the close itself.
 */
export const CLOSE_SAMPLE = 16
/**
 * Time of an inline close (µs) above which it counts as slow: between the 12-16 µs a removed
 * directory's close takes on ext4 with a journal, where the thread pool made runs 15-20% slower,
 * and the 60-100 µs it waits for a discard on ext4 mounted with `discard`, where it pays.
 */
export const SLOW_CLOSE_MICROS = 40

export interface CloserOptions {
  readonly limit?: number
  readonly slowMicros?: number
  /** Whether handles may be held in a directory (`holdsSafely`; tests count the calls). */
  readonly holds?: (dir: string) => boolean
}

/**
 * Linux file systems (`statfs` magic numbers) on which an unlinked file that is still open
 * leaves its directory at once, as it must for the rmdir that follows: ext2/3/4, XFS, Btrfs,
 * tmpfs, overlayfs, F2FS, ZFS, bcachefs. Not NFS, whose client renames such a file to
 * `.nfsXXXX` until it is closed, nor FUSE (`.fuse_hiddenXXXX`), nor SMB (delete pending), nor
 * anything else unknown: there no handle is held.
 */
const FREES_NAME_ON_UNLINK = new Set([
  0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0xf2f52010, 0x2fc12fc1, 0xca451a4e
])

/** Closes `fd`; a failure (EIO) leaves nothing to do: the descriptor is gone either way. */
export function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd)
  } catch {
    // See above.
  }
}

/** True when the file system of directory `dir` is one where holding a handle is safe. */
export function holdsSafely(dir: string): boolean {
  try {
    return FREES_NAME_ON_UNLINK.has(fs.statfsSync(dir).type >>> 0)
  } catch {
    return false
  }
}

/**
 * Closes handles to removed entries. Closing the last reference to a removed directory or file
 * is when the file system frees it: usually a few microseconds, but on ext4 without a journal
 * and mounted with `discard` (the machine the benchmark runs on) the close waits for the disk
 * to discard the freed blocks, 60-100 µs. The closer closes inline and times the first
 * `CLOSE_SAMPLE` closes. If most took more than `slowMicros` (most, so that one close held up by
 * something else does not decide: the median), it closes the rest on the thread pool, where those waits
 * overlap each other and the walk; otherwise holding handles gains nothing and `wanted` says to
 * stop taking them. See docs/performance.md, "Closing handles where freeing is slow".
 */
export interface Closer {
  /** Closes `fd`, now or on the thread pool. Never throws. */
  close(fd: number): void
  /** `sampling` the first closes, inline; then `background` (thread pool) or `off`. */
  mode(): 'sampling' | 'background' | 'off'
  /**
   * False once closes proved fast (then taking a handle only costs an open and a close), and
   * while `limit` handles are still being closed: so no more than that are ever open.
   */
  wanted(): boolean
  /**
   * A promise, resolved once at most half the limit are still being closed, while `limit` or
   * more are; undefined otherwise. Awaiting it keeps the number of open handles bounded.
   */
  backlog(): Promise<void> | undefined
  /** Resolves once every handle handed over so far is closed. */
  drain(): Promise<void>
}

export function createCloser(options: CloserOptions = {}): Closer {
  const limit = options.limit ?? CLOSE_LIMIT
  const slowNanos = (options.slowMicros ?? SLOW_CLOSE_MICROS) * 1000
  let mode: 'sampling' | 'background' | 'off' = 'sampling'
  let sampled = 0
  let slow = 0
  let open = 0
  let waiters: { atMost: number; resolve: () => void }[] = []

  const closed = (): void => {
    open--
    if (waiters.length === 0) return
    const ready = waiters.filter(w => open <= w.atMost)
    waiters = waiters.filter(w => open > w.atMost)
    for (const w of ready) w.resolve()
  }

  const until = (atMost: number): Promise<void> =>
    new Promise(resolve => {
      waiters.push({ atMost, resolve })
    })

  const inline = (fd: number): void => {
    const start = process.hrtime.bigint()
    closeQuietly(fd)
    if (mode !== 'sampling') return
    if (Number(process.hrtime.bigint() - start) > slowNanos) slow++
    if (++sampled === CLOSE_SAMPLE) mode = slow > CLOSE_SAMPLE / 2 ? 'background' : 'off'
  }

  return {
    close: fd => {
      if (mode !== 'background') return inline(fd)
      open++
      fs.close(fd, closed)
    },
    mode: () => mode,
    wanted: () => mode !== 'off' && open < limit,
    backlog: () => (open >= limit ? until(Math.floor(limit / 2)) : undefined),
    drain: () => (open === 0 ? Promise.resolve() : until(0))
  }
}
