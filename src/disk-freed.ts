import type * as fs from 'node:fs'

/**
 * Decides how much disk space removing an entry gives back: its allocated blocks
 * (`st_blocks × 512`) once its last link is gone, and nothing while another link keeps the data
 * (pip and uv caches hard-link files into environments; `cp -al` copies share every file).
 * A sparse or compressed file gives back what it occupies, not its size.
 *
 * The same in a dry run and a real run: for a file with several links it counts the links as
 * the first `lstat` saw them, so removing all of them in one run frees its blocks once, at the
 * last, whether or not the earlier unlinks really happened. Only entries with more than one link
 * are remembered.
 *
 * On Windows, Node.js (libuv's `fs__stat_handle`) reports `AllocationSize >> 9` as the blocks
 * (0 for a file small enough to live in its NTFS MFT record) and `NumberOfLinks` as the link
 * count, so the same rule applies.
 */
export interface DiskFreed {
  /** Bytes of disk the removal of this entry returns, given its `lstat` right before. */
  removed(stats: fs.Stats): number
}

export function diskFreedCounter(): DiskFreed {
  /**
   * Files with other links, by device and inode: how many of their links are still to go. Plain
   * numbers, not an object or a string per file: every file of a hard-linked tree (as uv installs
   * them) can stay here to the end of the run, and a million of them must not cost much memory.
   */
  const remaining = new Map<number, Map<number, number>>()
  return {
    removed(stats) {
      const blocks = Number.isFinite(stats.blocks) ? stats.blocks * 512 : 0
      let onDevice = remaining.get(stats.dev)
      const left = onDevice?.get(stats.ino)
      if (stats.nlink <= 1 && left === undefined) return blocks
      // The links as the first lstat saw them; then one fewer per removal.
      const now = (left ?? stats.nlink) - 1
      if (now > 0) {
        if (onDevice === undefined) remaining.set(stats.dev, (onDevice = new Map()))
        onDevice.set(stats.ino, now)
        return 0
      }
      onDevice?.delete(stats.ino)
      return blocks
    }
  }
}
