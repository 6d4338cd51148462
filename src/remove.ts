import * as fs from 'node:fs'
import * as path from 'node:path'
import { errorCode } from './errors.js'
import { toFailure, vanished, type Failure } from './failure.js'
import type { Progress } from './progress.js'
import {
  closeQuietly,
  createCloser,
  holdsSafely,
  type Closer,
  type CloserOptions
} from './closer.js'
import { diskFreedCounter, type DiskFreed } from './disk-freed.js'
import type { Kept } from './kept.js'
import { directoryChange, type Identity } from './identity.js'
import { notEmptyReason, UnlinkedNames } from './not-empty.js'
import type { Sink } from './scan.js'

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
  return new DirectoryRemover(options)
}

class DirectoryRemover implements Remover {
  private filesRemoved = 0
  private dirsRemoved = 0
  private bytesFreed = 0
  private diskFreed = 0
  private readonly disk: DiskFreed
  private readonly failures: Failure[] = []
  private readonly kept: Kept[] = []
  private readonly windows: boolean
  private readonly home = process.cwd()
  /** The directory the remover changed into and checked, while it is still the working one. */
  private inside: string | undefined
  // Handles to removed entries go here to be closed; only on Linux, never in a dry run. Two, as
  // freeing a directory and freeing a file can cost very different times.
  private readonly dirCloser: Closer | undefined
  private readonly fileCloser: Closer | undefined
  /**
   * Whether the working directory's file system lets go of a removed entry's name at once;
   * undefined until a handle is about to be taken there (`mayHold`).
   */
  private holdHere: boolean | undefined
  private readonly holds: (dir: string) => boolean
  /** A handle to the removed directory that is still the working directory. */
  private held: number | undefined
  /** Windows: what was unlinked in the directories still to be removed (`UnlinkedNames`). */
  private readonly unlinked: UnlinkedNames | undefined
  readonly wantsIdentity: boolean

  constructor(private readonly options: RemoveOptions) {
    const platform = options.platform ?? process.platform
    this.windows = this.wantsIdentity = platform === 'win32'
    this.disk = options.disk ?? diskFreedCounter()
    const holding = !options.dryRun && platform === 'linux'
    this.dirCloser = holding ? createCloser(options.closers) : undefined
    this.fileCloser = holding ? createCloser(options.closers) : undefined
    this.unlinked = this.windows && !options.dryRun ? new UnlinkedNames() : undefined
    this.holds = options.closers?.holds ?? holdsSafely
  }

  /** Removes `names` from `dir` once it is known to be the directory the walk read. */
  files(dir: string, names: readonly string[], seen?: Identity): boolean {
    const targets = (): string[] => names.map(name => dir + path.sep + name)
    if (!(this.windows ? this.stillThere(dir, targets, seen) : this.enter(dir, targets))) {
      return false
    }
    let allGone = true
    for (const name of names) if (!this.removeFile(dir, name)) allGone = false
    return allGone
  }

  /** One file or link of `dir` (the directory in hand); false when it is left. */
  private removeFile(dir: string, name: string): boolean {
    const { options } = this
    // Plain concatenation: the directory is already normal, and a name has no separator.
    const file = dir + path.sep + name
    // Relative to the directory in hand; on Windows the absolute name.
    const entry = this.windows ? file : name
    let stats: fs.Stats
    let freed: number
    try {
      stats = fs.lstatSync(entry)
      if (stats.isDirectory()) {
        // Replaced by a directory since the walk read its parent: not bytecode any more.
        this.kept.push({ path: file, reason: 'became a directory during the run; left alone' })
        return false
      }
      if (!options.dryRun) this.unlink(entry, stats)
      // After the unlink, which may fail; from the lstat before it, as a dry run has it.
      freed = this.disk.removed(stats)
    } catch (error) {
      if (vanished(error)) return true
      this.failures.push(toFailure(file, 'unlink', error, dir))
      return false
    }
    this.unlinked?.add(dir, name)
    this.filesRemoved++
    this.bytesFreed += stats.size
    this.diskFreed += freed
    if (options.progress) {
      options.progress.removed++
      options.progress.bytes += stats.size
    }
    options.onRemoved?.(file)
    return true
  }

  /**
   * One unlink, never recursive: an entry that became a directory since its lstat is refused,
   * not deleted with its contents. On Windows, libuv's unlink deletes a read-only file itself
   * (src/win/fs.c, fs__unlink: POSIX delete semantics with their ignore-read-only flag where the
   * file system has them, else the attribute cleared first): no retry is needed there. A file
   * with no other link is held open across it, so that its last reference goes in a closer
   * (`holdsSafely`).
   */
  private unlink(entry: string, stats: fs.Stats): void {
    const handle =
      stats.nlink === 1 && stats.isFile() && this.fileCloser?.wanted() && this.mayHold()
        ? openEntry(entry, false)
        : undefined
    try {
      fs.unlinkSync(entry)
    } finally {
      if (handle !== undefined) this.fileCloser?.close(handle)
    }
  }

  /**
   * rmdir of a directory whose contents are gone. Usually the walk asks right after removing the
   * directory's files, from inside it: then `../NAME` names it through the directory in hand,
   * which saves a chdir and a getcwd per directory. Otherwise it is named from its parent, after
   * the usual check. (Not on Windows, where the working directory cannot be removed.)
   */
  dir(dir: string, seen?: Identity): boolean {
    const name = path.basename(dir)
    const fromInside = !this.windows && this.inside === dir
    const checked = this.windows
      ? this.stillThere(dir, () => [dir], seen)
      : fromInside || this.enter(path.dirname(dir), () => [dir])
    if (!checked) return false
    const target = this.windows ? dir : fromInside ? `..${path.sep}${name}` : name
    const gone = this.unlinked?.take(dir)
    const handle =
      this.dirCloser?.wanted() && this.mayHold()
        ? openEntry(fromInside ? '.' : name, true)
        : undefined
    try {
      // rmdir, not a recursive delete: it refuses a directory that is not empty, so anything
      // written into it since the walk read it survives; and it refuses a symlink.
      if (!this.options.dryRun) fs.rmdirSync(target)
    } catch (error) {
      if (handle !== undefined) closeQuietly(handle)
      return this.rmdirRefused(dir, target, error, gone)
    }
    // The working directory is gone, or is the parent, which was not checked.
    if (fromInside && !this.options.dryRun) this.inside = undefined
    // From inside, the working directory still holds it: its handle goes once that moves on.
    if (handle !== undefined) {
      if (fromInside) this.held = handle
      else this.dirCloser?.close(handle)
    }
    this.dirsRemoved++
    if (this.options.progress) this.options.progress.removed++
    this.options.onRemoved?.(dir)
    return true
  }

  /** An rmdir that threw: gone already (true), or why `dir` stays. */
  private rmdirRefused(
    dir: string,
    target: string,
    error: unknown,
    gone: ReadonlySet<string> | undefined
  ): boolean {
    if (vanished(error)) return swappedForLink(target) ? this.replaced(dir, 'is now a link') : true
    const code = errorCode(error)
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      this.kept.push({ path: dir, reason: notEmptyReason(dir, gone) })
    } else {
      this.failures.push(toFailure(dir, 'rmdir', error, path.dirname(dir)))
    }
    return false
  }

  /**
   * Changes into `dir` if it is still the directory the walk saw; records why not otherwise.
   * When it cannot be entered (readable but not searchable), each of `targets` is a failure of
   * its own, named after itself: that is what is left behind.
   */
  private enter(dir: string, targets: () => readonly string[]): boolean {
    this.inside = undefined
    this.holdHere = undefined
    try {
      process.chdir(dir)
      this.letGo()
      const here = process.cwd()
      if (here !== dir) {
        return this.replaced(dir, `now resolves to '${here}' (a link replaced part of it)`)
      }
      this.inside = dir
      return true
    } catch (error) {
      if (!vanished(error)) this.unreachable(dir, targets(), error)
      else if (swappedForLink(dir)) {
        this.replaced(dir, 'is now a link that leads nowhere or to a file')
      }
      return false
    }
  }

  /**
   * Windows: whether `dir` is still the directory the walk read, by its identity (volume and
   * file ID) right before removing in it; records why not otherwise. Nothing changes into it:
   * there the working directory is limited to MAX_PATH, while absolute names reach any length.
   */
  private stillThere(
    dir: string,
    targets: () => readonly string[],
    seen: Identity | undefined
  ): boolean {
    let change: string | undefined
    try {
      change = directoryChange(dir, seen)
    } catch (error) {
      if (!vanished(error)) this.unreachable(dir, targets(), error)
      return false
    }
    return change === undefined || this.replaced(dir, change)
  }

  /** Each of `targets` is left: `dir` could not be entered or looked at. */
  private unreachable(dir: string, targets: readonly string[], error: unknown): void {
    for (const target of targets) this.failures.push(toFailure(target, 'reach', error, dir))
  }

  /** Records that `dir` is no longer the directory the walk saw; `now` says what it is. */
  private replaced(dir: string, now: string): false {
    this.failures.push({
      path: dir,
      operation: 'remove',
      attempt: 'enter',
      code: undefined,
      message: `it ${now}; nothing removed from it`
    })
    return false
  }

  /**
   * Whether a handle may be held in the directory in hand. Its file system is asked (one
   * `statfs`) only when a handle is about to be taken there, so once the closers stopped taking
   * them, or on a tree of hard-linked files, no directory is asked; a root can hold mount points
   * of other file systems, so it is asked per directory.
   */
  private mayHold(): boolean {
    if (this.inside === undefined) return false
    return (this.holdHere ??= this.holds('.'))
  }

  /** The working directory has moved on: let the directory removed from inside it go. */
  private letGo(): void {
    if (this.held === undefined) return
    this.dirCloser?.close(this.held)
    this.held = undefined
  }

  /** The working directory is only a handle for the removals: put back before anything else runs. */
  pause(): void {
    this.inside = undefined
    this.holdHere = undefined
    try {
      process.chdir(this.home)
    } finally {
      this.letGo()
    }
  }

  backlog(): Promise<void> | undefined {
    return this.dirCloser?.backlog() ?? this.fileCloser?.backlog()
  }

  async drain(): Promise<void> {
    await this.dirCloser?.drain()
    await this.fileCloser?.drain()
  }

  totals(): RemoveTotals {
    const { filesRemoved, dirsRemoved, bytesFreed, diskFreed, failures, kept } = this
    return { filesRemoved, dirsRemoved, bytesFreed, diskFreed, failures, kept }
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
