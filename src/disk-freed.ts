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
  /** `dev:ino` of files with other links: the links first seen, and how many went so far. */
  const shared = new Map<string, { links: number; gone: number }>()
  return {
    removed(stats) {
      const blocks = Number.isFinite(stats.blocks) ? stats.blocks * 512 : 0
      if (stats.nlink <= 1 && (shared.size === 0 || !shared.has(key(stats)))) return blocks
      const k = key(stats)
      let seen = shared.get(k)
      if (seen === undefined) {
        seen = { links: stats.nlink, gone: 0 }
        shared.set(k, seen)
      }
      seen.gone++
      if (seen.gone < seen.links) return 0
      shared.delete(k)
      return blocks
    }
  }
}

function key(stats: fs.Stats): string {
  return `${stats.dev}:${stats.ino}`
}
