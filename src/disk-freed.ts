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
   * Files with other links, by device and inode (numbers, not a string built per file: every
   * file of a hard-linked tree, as uv installs them, comes here): the links first seen, and how
   * many went so far.
   */
  const shared = new Map<number, Map<number, { links: number; gone: number }>>()
  return {
    removed(stats) {
      const blocks = Number.isFinite(stats.blocks) ? stats.blocks * 512 : 0
      let onDevice = shared.get(stats.dev)
      if (stats.nlink <= 1 && !onDevice?.has(stats.ino)) return blocks
      if (onDevice === undefined) shared.set(stats.dev, (onDevice = new Map()))
      let seen = onDevice.get(stats.ino)
      if (seen === undefined) {
        seen = { links: stats.nlink, gone: 0 }
        onDevice.set(stats.ino, seen)
      }
      seen.gone++
      if (seen.gone < seen.links) return 0
      onDevice.delete(stats.ino)
      return blocks
    }
  }
}
