import * as io from '@actions/io'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { errorCode } from './errors.js'
import { toFailure, vanished, type Failure } from './failure.js'
import type { Progress } from './progress.js'
import type { ScanResult, TargetGroup } from './scan.js'
import { slicer } from './slice.js'

export interface RemoveOptions {
  /** Do everything but the final unlink/rmdir, so the numbers match a real run. */
  readonly dryRun: boolean
  /**
   * Called after each entry is removed (or would be, in a dry run), before the next one in its
   * directory: for tests that change the tree in the middle of a run.
   */
  readonly onRemoved?: (path: string) => void
  /** The platform whose deletion rules apply (tests pass 'win32'). */
  readonly platform?: NodeJS.Platform
  /** Counters to add to as entries are removed (for a progress line). */
  readonly progress?: Progress
}

/** What happened to one root. Dry run and real run produce the same numbers on the same tree. */
export interface RootResult {
  readonly root: string
  readonly filesRemoved: number
  readonly dirsRemoved: number
  readonly bytesFreed: number
  /** Unreadable directories (from the scan) and entries that could not be removed. */
  readonly failures: readonly Failure[]
  /** Every removed path (in a dry run: every path that would be removed). */
  readonly removed: readonly string[]
  /** `__pycache__` directories left in place, with why. */
  readonly kept: readonly string[]
}

/**
 * Removes what `scanRoot` found: the files of every directory, then the emptied `__pycache__`
 * directories, deepest first. Never throws for one entry: a failure is recorded and the rest goes
 * on; an entry that vanished meanwhile is skipped, uncounted.
 *
 * What the scan saw is what is removed: before the first removal in a directory its real path
 * must still be the path the scan reached without links, and before each further removal the
 * directory must still be the same directory (device and inode), so a directory swapped for a
 * symlink during the run is left alone, and so is whatever the link points to. Node has no
 * unlinkat(), so this narrows the window to one system call; it cannot close it.
 */
export async function removeTargets(scan: ScanResult, options: RemoveOptions): Promise<RootResult> {
  let filesRemoved = 0
  let dirsRemoved = 0
  let bytesFreed = 0
  const failures: Failure[] = [...scan.failures]
  const removed: string[] = []
  const kept: string[] = scan.kept.map(dir => `${dir}: holds entries that are not bytecode`)
  const platform = options.platform ?? process.platform
  /** Directories whose every file is gone, ready for rmdir, with their identity. */
  const emptied = new Map<string, fs.Stats>()
  const pause = slicer()

  const replaced = (dir: string, now: string): void => {
    failures.push({
      path: dir,
      operation: 'remove',
      code: undefined,
      message: `${now} (a link replaced part of it during the run); nothing more removed from it`
    })
  }

  /** The directory's identity if it still resolves to itself; undefined (and why) if not. */
  const confirm = (dir: string): fs.Stats | undefined => {
    try {
      const real = fs.realpathSync.native(dir)
      if (real !== dir) {
        replaced(dir, `it now resolves to '${real}'`)
        return undefined
      }
      return fs.lstatSync(dir)
    } catch (error) {
      if (!vanished(error)) failures.push(toFailure(dir, 'remove', error, dir))
      return undefined
    }
  }

  /** True while `dir` is still the directory `identity` was taken from. */
  const unchanged = (dir: string, identity: fs.Stats): boolean => {
    try {
      const now = fs.lstatSync(dir)
      if (now.isDirectory() && now.ino === identity.ino && now.dev === identity.dev) return true
      replaced(dir, now.isSymbolicLink() ? 'it is now a symlink' : 'it is now another entry')
    } catch (error) {
      if (!vanished(error)) failures.push(toFailure(dir, 'remove', error, dir))
    }
    return false
  }

  const removeFiles = async (group: TargetGroup): Promise<void> => {
    const identity = confirm(group.dir)
    if (identity === undefined) return
    let allGone = true
    for (const [i, name] of group.files.entries()) {
      if (i > 0 && !options.dryRun && !unchanged(group.dir, identity)) return
      const file = path.join(group.dir, name)
      let size: number
      try {
        const stats = fs.lstatSync(file)
        if (stats.isDirectory()) {
          // Replaced by a directory since the scan: not bytecode any more.
          allGone = false
          kept.push(`${file}: became a directory during the run; left alone`)
          continue
        }
        size = stats.size
        if (!options.dryRun) {
          const fallback = unlink(file, platform)
          if (fallback) await fallback
        }
      } catch (error) {
        if (vanished(error)) continue
        allGone = false
        failures.push(toFailure(file, 'remove', error, group.dir))
        continue
      }
      filesRemoved++
      bytesFreed += size
      removed.push(file)
      if (options.progress) {
        options.progress.removed++
        options.progress.bytes += size
      }
      options.onRemoved?.(file)
    }
    if (allGone) emptied.set(group.dir, identity)
    else if (group.removeDir) kept.push(`${group.dir}: some entries could not be removed`)
  }

  const removeDir = (group: TargetGroup): void => {
    const identity = emptied.get(group.dir)
    if (identity === undefined || !unchanged(group.dir, identity)) return
    try {
      // rmdir, not a recursive delete: it refuses a directory that is not empty, so anything
      // written into this __pycache__ since the scan survives.
      if (!options.dryRun) fs.rmdirSync(group.dir)
    } catch (error) {
      if (vanished(error)) return
      const code = errorCode(error)
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        kept.push(`${group.dir}: not empty when its turn came; left in place`)
        return
      }
      failures.push(toFailure(group.dir, 'remove', error, path.dirname(group.dir)))
      return
    }
    dirsRemoved++
    removed.push(group.dir)
    if (options.progress) options.progress.removed++
    options.onRemoved?.(group.dir)
  }

  for (const group of scan.groups) {
    await removeFiles(group)
    await pause()
  }
  // Directories deepest first (scan.groups is in that order), so a nested __pycache__ is gone
  // before its parent's rmdir.
  for (const group of scan.groups) {
    if (!group.removeDir) continue
    removeDir(group)
    await pause()
  }
  return { root: scan.root, filesRemoved, dirsRemoved, bytesFreed, failures, removed, kept }
}

/**
 * Deletes one file or symlink with a single unlink: never recursive, so an entry that became a
 * directory since its lstat is refused rather than deleted with its contents, and a refusal keeps
 * its true error code (a recursive delete reports EPERM in a sticky directory as ENOTDIR).
 *
 * On Windows a read-only file refuses unlink with EPERM, and a file another process has open
 * with EBUSY; there @actions/io's rmRF, which clears the read-only bit and retries, does it, and
 * the returned promise settles when it has.
 */
function unlink(file: string, platform: NodeJS.Platform): Promise<void> | undefined {
  try {
    fs.unlinkSync(file)
    return undefined
  } catch (error) {
    const code = errorCode(error)
    if (platform !== 'win32' || !(code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')) {
      throw error
    }
    return io.rmRF(file)
  }
}
