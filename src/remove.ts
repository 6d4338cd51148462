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
   * Called with the absolute path of each entry removed (or that would be, in a dry run), before
   * the next one. The paths are handed out rather than kept: a list of every removed path costs
   * hundreds of megabytes on a tree of a million entries.
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
  /** `__pycache__` directories left in place, with why. */
  readonly kept: readonly string[]
}

/**
 * Removes what `scanRoot` found: the files of every directory, then the emptied `__pycache__`
 * directories, deepest first. Never throws for one entry: a failure is recorded and the rest goes
 * on; an entry that vanished meanwhile is skipped, uncounted.
 *
 * What the scan saw is what is removed. Node has no `unlinkat()`, but it has one directory
 * handle: the working directory. Before touching a directory the remover changes into it and
 * checks, with `getcwd`, that the directory it is in is the one the scan reached without links;
 * every lstat and unlink after that names the entry relative to that directory, so a directory
 * or ancestor swapped for a symlink afterwards cannot redirect them. (On Windows, where the
 * working directory is not resolved, the real path is checked just before changing into it.)
 * Relative names are also what makes this as fast as `find`: one path component per call.
 *
 * The working directory is restored before the function yields to the event loop and when it
 * returns, so no other code ever sees it changed.
 */
export async function removeTargets(scan: ScanResult, options: RemoveOptions): Promise<RootResult> {
  let filesRemoved = 0
  let dirsRemoved = 0
  let bytesFreed = 0
  const failures: Failure[] = [...scan.failures]
  const kept: string[] = scan.kept.map(dir => `${dir}: holds entries that are not bytecode`)
  const platform = options.platform ?? process.platform
  /** Directories whose every file is gone, ready for rmdir. */
  const emptied = new Set<string>()
  const pause = slicer()
  const home = process.cwd()

  /** Changes into `dir` if it is still the directory the scan saw; records why not otherwise. */
  const enter = (dir: string): boolean => {
    try {
      if (platform === 'win32') {
        const real = fs.realpathSync.native(dir)
        if (real !== dir)
          return replaced(dir, `now resolves to '${real}' (a link replaced part of it)`)
      }
      process.chdir(dir)
      if (platform !== 'win32') {
        const here = process.cwd()
        if (here !== dir)
          return replaced(dir, `now resolves to '${here}' (a link replaced part of it)`)
      }
      return true
    } catch (error) {
      if (!vanished(error)) failures.push(toFailure(dir, 'remove', error, dir))
      else if (swappedForLink(dir)) replaced(dir, 'is now a link that leads nowhere or to a file')
      return false
    }
  }

  /** Records that `dir` is no longer the directory the scan saw; `now` says what it is. */
  const replaced = (dir: string, now: string): false => {
    failures.push({
      path: dir,
      operation: 'remove',
      code: undefined,
      message: `it ${now}; nothing removed from it`
    })
    return false
  }

  const removeFiles = (group: TargetGroup): void => {
    if (!enter(group.dir)) return
    let allGone = true
    for (const name of group.files) {
      // Plain concatenation: the directory is already normal, and a name has no separator.
      const file = group.dir + path.sep + name
      let size: number
      try {
        const stats = fs.lstatSync(name)
        if (stats.isDirectory()) {
          // Replaced by a directory since the scan: not bytecode any more.
          allGone = false
          kept.push(`${file}: became a directory during the run; left alone`)
          continue
        }
        size = stats.size
        if (!options.dryRun) unlink(name, platform)
      } catch (error) {
        if (vanished(error)) continue
        allGone = false
        failures.push(toFailure(file, 'remove', error, group.dir))
        continue
      }
      filesRemoved++
      bytesFreed += size
      if (options.progress) {
        options.progress.removed++
        options.progress.bytes += size
      }
      options.onRemoved?.(file)
    }
    if (allGone) emptied.add(group.dir)
    else if (group.removeDir) kept.push(`${group.dir}: some entries could not be removed`)
  }

  /** rmdir, from the parent, of a __pycache__ whose files are gone. */
  const removeDir = (group: TargetGroup): void => {
    if (!emptied.has(group.dir) || !enter(path.dirname(group.dir))) return
    try {
      // rmdir, not a recursive delete: it refuses a directory that is not empty, so anything
      // written into this __pycache__ since the scan survives; and it refuses a symlink.
      if (!options.dryRun) fs.rmdirSync(path.basename(group.dir))
    } catch (error) {
      if (vanished(error)) {
        if (swappedForLink(path.basename(group.dir))) replaced(group.dir, 'is now a link')
        return
      }
      const code = errorCode(error)
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        kept.push(`${group.dir}: not empty when its turn came; left in place`)
        return
      }
      failures.push(toFailure(group.dir, 'remove', error, path.dirname(group.dir)))
      return
    }
    dirsRemoved++
    if (options.progress) options.progress.removed++
    options.onRemoved?.(group.dir)
  }

  /** Lets timers run now and then, with the working directory put back first. */
  const breathe = async (): Promise<void> => {
    const turn = pause()
    if (turn === undefined) return
    process.chdir(home)
    await turn
  }

  try {
    for (const group of scan.groups) {
      removeFiles(group)
      await breathe()
    }
    // Directories deepest first (scan.groups is in that order), so a nested __pycache__ is gone
    // before its parent's rmdir.
    for (const group of scan.groups) {
      if (!group.removeDir) continue
      removeDir(group)
      await breathe()
    }
  } finally {
    process.chdir(home)
  }
  return { root: scan.root, filesRemoved, dirsRemoved, bytesFreed, failures, kept }
}

/** True when `p` is (now) a symlink: what a directory swapped for a link looks like. */
function swappedForLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

/**
 * Deletes one file or symlink (`name`, in the working directory) with a single unlink: never
 * recursive, so an entry that became a directory since its lstat is refused rather than deleted
 * with its contents, and a refusal keeps its true error code.
 *
 * On Windows a read-only file refuses unlink with EPERM: there, as Node's own rm does, the
 * read-only bit is cleared and the unlink tried once more, unless the entry is now a directory.
 */
function unlink(name: string, platform: NodeJS.Platform): void {
  try {
    fs.unlinkSync(name)
  } catch (error) {
    const code = errorCode(error)
    if (platform !== 'win32' || !(code === 'EPERM' || code === 'EACCES')) throw error
    if (fs.lstatSync(name).isDirectory()) throw error
    try {
      fs.chmodSync(name, 0o666)
      fs.unlinkSync(name)
    } catch {
      // The first refusal says why.
      throw error
    }
  }
}
