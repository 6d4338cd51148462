import * as fs from 'node:fs'
import * as path from 'node:path'
import { errorCode } from './errors.js'
import { toFailure, vanished, type Failure } from './failure.js'
import type { Progress } from './progress.js'
import { closeQuietly, createCloser, holdsSafely, type CloserOptions } from './closer.js'
import { diskFreedCounter, type DiskFreed } from './disk-freed.js'
import type { Kept } from './kept.js'
import type { Identity, Sink } from './scan.js'

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
  /** How handles to removed entries are closed (tests force the thread pool with these). */
  readonly closers?: CloserOptions
  /**
   * What the removals give back on disk; one for all roots of a run, so a file hard-linked from
   * two roots counts once, in a dry run as in a real one. A fresh one when unset.
   */
  readonly disk?: DiskFreed
}

/** What the remover did, so far. Dry run and real run give the same numbers on the same tree. */
export interface RemoveTotals {
  readonly filesRemoved: number
  readonly dirsRemoved: number
  readonly bytesFreed: number
  /**
   * Disk space the removed files and links give back: allocated blocks, counted once their last
   * link is gone (see `diskFreedCounter`).
   */
  readonly diskFreed: number
  /** Entries that could not be removed. */
  readonly failures: readonly Failure[]
  /** Entries left in place on purpose, and why. */
  readonly kept: readonly Kept[]
}

/** The sink `scanRoot` hands its targets to, with what it did so far. */
export interface Remover extends Sink {
  totals(): RemoveTotals
  /**
   * Resolves once every handle to a removed entry is closed, so the file system has let go of
   * what was removed. Call it after `pause`, before reporting the run done.
   */
  drain(): Promise<void>
}

/**
 * Deletes what the walk hands it: the bytecode of one directory at a time, and emptied
 * `__pycache__` directories. Never throws for one entry: a failure is recorded and the rest goes
 * on; an entry that vanished meanwhile is skipped, uncounted.
 *
 * What the walk saw is what is removed. Node has no `unlinkat()`, but it has one directory
 * handle: the working directory. Before touching a directory the remover changes into it and
 * checks, with `getcwd`, that the directory it is in is the one the walk reached without links;
 * every lstat and unlink after that names the entry relative to that directory, so a directory
 * or ancestor swapped for a symlink afterwards cannot redirect them. On Windows, where the
 * working directory is limited to MAX_PATH and is not resolved, nothing changes into it: right
 * before removing in a directory, its identity (volume and file ID) is compared with what the
 * walk read (`Identity`), and the removals name entries by absolute path, which Node.js passes
 * as `\\?\` long paths.
 * Relative names are also what makes this as fast as `find`: one path component per call.
 *
 * The walk calls `pause` before it yields to the event loop and when it ends: the remover then
 * changes back to the original working directory, so no other code ever sees it changed.
 *
 * Removing a directory holds a handle to it until the working directory has moved on, and then
 * hands it to a `Closer`; a file with no other link, right after its unlink. The last reference
 * to a removed entry goes there, with whatever the file system does at that moment (free its
 * blocks, discard them), on the thread pool where that is slow, so the walk goes on meanwhile.
 * Only on Linux, and only on local file systems that drop a removed file's name at once (see
 * `holdsSafely`): on NFS or FUSE an unlinked file still open stays in its directory under a
 * hidden name, which would make the directory's rmdir fail.
 */
export function createRemover(options: RemoveOptions): Remover {
  let filesRemoved = 0
  let dirsRemoved = 0
  let bytesFreed = 0
  let diskFreed = 0
  const disk = options.disk ?? diskFreedCounter()
  const failures: Failure[] = []
  const kept: Kept[] = []
  const platform = options.platform ?? process.platform
  const windows = platform === 'win32'
  const home = process.cwd()
  /** The directory the remover changed into and checked, while it is still the working one. */
  let inside: string | undefined
  // Handles to removed entries go here to be closed; only on Linux, never in a dry run. Two, as
  // freeing a directory and freeing a file can cost very different times.
  const holding = !options.dryRun && platform === 'linux'
  const dirCloser = holding ? createCloser(options.closers) : undefined
  const fileCloser = holding ? createCloser(options.closers) : undefined
  /** Whether the working directory's file system lets go of a removed entry's name at once. */
  let holdHere = false
  /** A handle to the removed directory that is still the working directory. */
  let held: number | undefined

  /**
   * Windows: the names unlinked in the directories whose rmdir may still come, innermost last.
   * There a file deleted while another process holds it open (with delete sharing) keeps its
   * name until that handle closes, so its directory is not empty yet when its rmdir comes. The
   * walk goes depth-first and removes a directory right after everything below it, so only the
   * directories on the current path can still be removed: the list never outgrows the depth.
   */
  const unlinked: { readonly dir: string; readonly names: Set<string> }[] = []

  /** The names unlinked in `dir`, to add to; what no rmdir can follow any more is dropped. */
  const unlinkedIn = (dir: string): Set<string> => {
    while (unlinked.length > 0) {
      const top = unlinked[unlinked.length - 1].dir
      if (top === dir || dir.startsWith(top + path.sep)) break
      unlinked.pop()
    }
    const top = unlinked[unlinked.length - 1]
    if (top?.dir === dir) return top.names
    const names = new Set<string>()
    unlinked.push({ dir, names })
    return names
  }

  /** At the rmdir of `dir`: the names unlinked in it, and nothing below it kept any more. */
  const takeUnlinked = (dir: string): Set<string> | undefined => {
    while (unlinked.length > 0 && unlinked[unlinked.length - 1].dir.startsWith(dir + path.sep)) {
      unlinked.pop()
    }
    return unlinked[unlinked.length - 1]?.dir === dir ? unlinked.pop()!.names : undefined
  }

  /** Why a directory whose rmdir found it not empty stays; `gone`: what was unlinked in it. */
  const notEmpty = (dir: string, gone: Set<string> | undefined): string => {
    if (gone !== undefined) {
      let left: string[] = []
      try {
        left = fs.readdirSync(dir)
      } catch {
        // Gone meanwhile, or unreadable: the plain reason.
      }
      if (left.length > 0 && left.every(name => gone.has(name))) {
        return (
          'a file deleted in it is still open in another process, which keeps its name until ' +
          'it closes the file; left in place'
        )
      }
    }
    return 'not empty when its turn came; left in place'
  }

  /** The working directory has moved on: let the directory removed from inside it go. */
  const letGo = (): void => {
    if (held === undefined) return
    dirCloser?.close(held)
    held = undefined
  }

  /**
   * Changes into `dir` if it is still the directory the walk saw; records why not otherwise.
   * When it cannot be entered (readable but not searchable), each of `targets` is a failure of
   * its own, named after itself: that is what is left behind.
   */
  const enter = (dir: string, targets: () => readonly string[]): boolean => {
    inside = undefined
    holdHere = false
    try {
      process.chdir(dir)
      letGo()
      const here = process.cwd()
      if (here !== dir) {
        return replaced(dir, `now resolves to '${here}' (a link replaced part of it)`)
      }
      inside = dir
      // One statfs per directory, only while a closer still takes handles: a root can hold
      // mount points of other file systems.
      holdHere = (dirCloser?.wanted() || fileCloser?.wanted()) === true && holdsSafely('.')
      return true
    } catch (error) {
      if (!vanished(error)) {
        for (const target of targets()) failures.push(toFailure(target, 'reach', error, dir))
      } else if (swappedForLink(dir)) replaced(dir, 'is now a link that leads nowhere or to a file')
      return false
    }
  }

  /**
   * Windows: whether `dir` is still the directory the walk read, by its identity (volume and
   * file ID) right before removing in it; records why not otherwise. Nothing changes into it:
   * there the working directory is limited to MAX_PATH, while absolute names reach any length.
   */
  const stillThere = (
    dir: string,
    targets: () => readonly string[],
    seen: Identity | undefined
  ): boolean => {
    let now: fs.BigIntStats
    try {
      now = fs.lstatSync(dir, { bigint: true })
    } catch (error) {
      if (!vanished(error)) {
        for (const target of targets()) failures.push(toFailure(target, 'reach', error, dir))
      }
      return false
    }
    if (now.isSymbolicLink()) return replaced(dir, 'is now a link or a junction')
    if (!now.isDirectory()) return replaced(dir, 'is no longer a directory')
    if (seen !== undefined && (now.dev !== seen.dev || now.ino !== seen.ino)) {
      return replaced(
        dir,
        'is another directory than the one the walk read (a link or junction above it changed)'
      )
    }
    return true
  }

  /** Records that `dir` is no longer the directory the walk saw; `now` says what it is. */
  const replaced = (dir: string, now: string): false => {
    failures.push({
      path: dir,
      operation: 'remove',
      attempt: 'enter',
      code: undefined,
      message: `it ${now}; nothing removed from it`
    })
    return false
  }

  const removeFiles = (dir: string, names: readonly string[], seen?: Identity): boolean => {
    const targets = (): string[] => names.map(name => dir + path.sep + name)
    if (!(windows ? stillThere(dir, targets, seen) : enter(dir, targets))) return false
    let allGone = true
    for (const name of names) {
      // Plain concatenation: the directory is already normal, and a name has no separator.
      const file = dir + path.sep + name
      // Relative to the directory in hand; on Windows the absolute name.
      const entry = windows ? file : name
      let size: number
      let freed: number
      try {
        const stats = fs.lstatSync(entry)
        if (stats.isDirectory()) {
          // Replaced by a directory since the walk read its parent: not bytecode any more.
          allGone = false
          kept.push({ path: file, reason: 'became a directory during the run; left alone' })
          continue
        }
        size = stats.size
        if (!options.dryRun) {
          // Only a file with no other link is freed when its last handle goes.
          const handle =
            holdHere && stats.nlink === 1 && stats.isFile() && fileCloser?.wanted()
              ? openEntry(name, false)
              : undefined
          try {
            // One unlink, never recursive: an entry that became a directory since its lstat is
            // refused, not deleted with its contents. On Windows, libuv's unlink clears the
            // read-only attribute itself (src/win/fs.c, fs__unlink): no retry is needed there.
            fs.unlinkSync(entry)
          } finally {
            if (handle !== undefined) fileCloser?.close(handle)
          }
        }
        // After the unlink, which may fail; from the lstat before it, as a dry run has it.
        freed = disk.removed(stats)
      } catch (error) {
        if (vanished(error)) continue
        allGone = false
        failures.push(toFailure(file, 'unlink', error, dir))
        continue
      }
      if (windows && !options.dryRun) unlinkedIn(dir).add(name)
      filesRemoved++
      bytesFreed += size
      diskFreed += freed
      if (options.progress) {
        options.progress.removed++
        options.progress.bytes += size
      }
      options.onRemoved?.(file)
    }
    return allGone
  }

  /**
   * rmdir of a directory whose contents are gone. Usually the walk asks right after removing the
   * directory's files, from inside it: then `../NAME` names it through the directory in hand,
   * which saves a chdir and a getcwd per directory. Otherwise it is named from its parent, after
   * the usual check. (Not on Windows, where the working directory cannot be removed.)
   */
  const removeDir = (dir: string, seen?: Identity): boolean => {
    const parent = path.dirname(dir)
    const name = path.basename(dir)
    const fromInside = !windows && inside === dir
    if (
      windows ? !stillThere(dir, () => [dir], seen) : !fromInside && !enter(parent, () => [dir])
    ) {
      return false
    }
    const target = windows ? dir : fromInside ? `..${path.sep}${name}` : name
    const gone = windows ? takeUnlinked(dir) : undefined
    const handle =
      holdHere && dirCloser?.wanted() ? openEntry(fromInside ? '.' : name, true) : undefined
    try {
      // rmdir, not a recursive delete: it refuses a directory that is not empty, so anything
      // written into it since the walk read it survives; and it refuses a symlink.
      if (!options.dryRun) fs.rmdirSync(target)
    } catch (error) {
      if (handle !== undefined) closeQuietly(handle)
      if (vanished(error)) {
        if (swappedForLink(target)) return replaced(dir, 'is now a link')
        return true
      }
      const code = errorCode(error)
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        kept.push({ path: dir, reason: notEmpty(dir, gone) })
        return false
      }
      failures.push(toFailure(dir, 'rmdir', error, parent))
      return false
    }
    // The working directory is gone, or is the parent, which was not checked.
    if (fromInside && !options.dryRun) inside = undefined
    // From inside, the working directory still holds it: its handle goes once that moves on.
    if (handle !== undefined) {
      if (fromInside) held = handle
      else dirCloser?.close(handle)
    }
    dirsRemoved++
    if (options.progress) options.progress.removed++
    options.onRemoved?.(dir)
    return true
  }

  return {
    wantsIdentity: windows,
    files: removeFiles,
    dir: removeDir,
    // The working directory is only a handle for the removals: put back before anything else runs.
    pause: () => {
      inside = undefined
      holdHere = false
      try {
        process.chdir(home)
      } finally {
        letGo()
      }
    },
    backlog: () => dirCloser?.backlog() ?? fileCloser?.backlog(),
    drain: async () => {
      await dirCloser?.drain()
      await fileCloser?.drain()
    },
    totals: () => ({ filesRemoved, dirsRemoved, bytesFreed, diskFreed, failures, kept })
  }
}

/**
 * A handle to the directory or file `p` (never through a link; never waiting on a fifo), to hold
 * while it is removed; undefined when it cannot be opened (unreadable), which only means that
 * its last reference goes in rmdir or unlink.
 */
function openEntry(p: string, directory: boolean): number | undefined {
  const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = fs.constants
  try {
    return fs.openSync(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | (directory ? O_DIRECTORY : 0))
  } catch {
    return undefined
  }
}

/** True when `p` is (now) a symlink: what a directory swapped for a link looks like. */
function swappedForLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}
