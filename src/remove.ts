import * as io from '@actions/io'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { errorCode } from './errors.js'
import { toFailure, vanished, type Failure } from './failure.js'
import { drain } from './pool.js'
import type { ScanResult, TargetGroup } from './scan.js'

export interface RemoveOptions {
  /** Do everything but the final unlink/rmdir, so the numbers match a real run. */
  readonly dryRun: boolean
  /** Directories worked on at once. */
  readonly concurrency: number
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
 * Removes what `scanRoot` found. Never throws for one entry: a failure is recorded and the rest
 * goes on; an entry that vanished meanwhile is skipped, uncounted.
 *
 * Before touching a directory it checks that the directory still resolves to the path the scan
 * reached without links, so a directory swapped for a symlink since the scan is left alone, and
 * so is whatever the link points to.
 */
export async function removeTargets(scan: ScanResult, options: RemoveOptions): Promise<RootResult> {
  let filesRemoved = 0
  let dirsRemoved = 0
  let bytesFreed = 0
  const failures: Failure[] = [...scan.failures]
  const removed: string[] = []
  const kept: string[] = scan.kept.map(dir => `${dir}: holds entries that are not bytecode`)

  /**
   * True while `dir` still resolves to itself, i.e. no component of it has been swapped for a
   * link since the scan. Records a failure when it has; false without one when it vanished.
   */
  const stillThere = async (dir: string): Promise<boolean> => {
    let real: string
    try {
      real = await fs.realpath(dir)
    } catch (error) {
      if (!vanished(error)) failures.push(await toFailure(dir, 'remove', error, dir))
      return false
    }
    if (real === dir) return true
    failures.push({
      path: dir,
      operation: 'remove',
      code: undefined,
      message: `it now resolves to '${real}' (a link replaced part of it during the run); nothing more removed from it`
    })
    return false
  }

  const removeGroup = async (group: TargetGroup): Promise<void> => {
    let allGone = true
    for (const name of group.files) {
      // Checked before every entry, not once per directory: a swap in the middle of a directory
      // must not send the remaining removals through the link. Node has no unlinkat(), so this
      // narrows the window to one lstat+rm; it cannot close it.
      if (!(await stillThere(group.dir))) return
      const file = path.join(group.dir, name)
      let size: number
      try {
        const stats = await fs.lstat(file)
        if (stats.isDirectory()) {
          // Replaced by a directory since the scan: not bytecode any more.
          allGone = false
          kept.push(`${file}: became a directory during the run; left alone`)
          continue
        }
        size = stats.size
        if (!options.dryRun) await io.rmRF(file)
      } catch (error) {
        if (vanished(error)) continue
        allGone = false
        failures.push(await toFailure(file, 'remove', error, group.dir))
        continue
      }
      filesRemoved++
      bytesFreed += size
      removed.push(file)
    }

    if (!group.removeDir) return
    if (!allGone) {
      kept.push(`${group.dir}: some entries could not be removed`)
      return
    }
    if (!(await stillThere(group.dir))) return
    try {
      // rmdir, not io.rmRF: it refuses a directory that is not empty, so anything written into
      // this __pycache__ since the scan survives.
      if (!options.dryRun) await fs.rmdir(group.dir)
    } catch (error) {
      if (vanished(error)) return
      const code = errorCode(error)
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        kept.push(`${group.dir}: new entries appeared during the run; left in place`)
        return
      }
      failures.push(await toFailure(group.dir, 'remove', error, path.dirname(group.dir)))
      return
    }
    dirsRemoved++
    removed.push(group.dir)
  }

  await drain(scan.groups, removeGroup, options.concurrency)
  return { root: scan.root, filesRemoved, dirsRemoved, bytesFreed, failures, removed, kept }
}
