import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ExcludeMatcher } from './exclude.js'
import { toFailure, vanished, type Failure } from './failure.js'
import type { Progress } from './progress.js'
import { slicer } from './slice.js'

export const PYCACHE = '__pycache__'

/** True for a bytecode file name: `*.pyc` or `*.pyo`, any interpreter tag or opt level. */
export function isBytecodeName(name: string): boolean {
  return name.endsWith('.pyc') || name.endsWith('.pyo')
}

export interface ScanOptions {
  readonly exclude: ExcludeMatcher
  /** Enter directories that hold a `pyvenv.cfg` (virtual environments) below the root. */
  readonly includeVenvs: boolean
  /** Real paths of the other roots of this run: not entered here, each is cleaned on its own. */
  readonly otherRoots: ReadonlySet<string>
  /** Counters to add to as entries are read (for a progress line). */
  readonly progress?: Progress
}

/**
 * What the walk hands its targets to, as it finds them. The walk decides what is a target; the
 * sink deletes (or, in a dry run, counts) and says whether it is gone.
 */
export interface Sink {
  /**
   * Removes the bytecode files and links `names` from `dir`, a directory the walk reached from
   * the root without following a link. True when none of them is left.
   */
  files(dir: string, names: readonly string[]): boolean
  /** Removes the `__pycache__` directory `dir`, whose bytecode is gone. True when it is gone. */
  dir(dir: string): boolean
}

export interface ScanResult {
  readonly root: string
  /** Directories that could not be read. */
  readonly failures: readonly Failure[]
  /** `__pycache__` directories kept, each as `path: why`. */
  readonly kept: readonly string[]
  /** Virtual environments below the root that were not entered. */
  readonly venvs: readonly string[]
  /** Directories not entered because an `exclude` pattern matched them. */
  readonly excluded: readonly string[]
  /** Directory entries read. */
  readonly entries: number
}

/** A directory waiting to be read. */
interface Dir {
  readonly abs: string
  /** Path below the root, `/`-separated; '' for the root. */
  readonly rel: string
  /** The `__pycache__` this one is directly inside, when both are `__pycache__` directories. */
  readonly within: Pycache | undefined
}

/** A `__pycache__` directory whose subdirectories are still being walked. */
interface Pycache {
  readonly abs: string
  readonly within: Pycache | undefined
  /** Why it has to stay; undefined while it can still go. */
  keep: string | undefined
}

/** The marker for "every directory below this `__pycache__` is done": its turn to go. */
interface Leave {
  readonly leave: Pycache
}

const NOT_BYTECODE = 'holds entries that are not bytecode'
const FILES_LEFT = 'some of its bytecode could not be removed'
const NESTED_LEFT = 'holds a __pycache__ that stays'

/**
 * Walks one root and hands every target to `sink` as soon as it is known: the bytecode of a
 * directory right after that directory is read, and an emptied `__pycache__` once everything
 * below it is done. Nothing found is kept, so memory does not grow with the tree.
 *
 * Entry types come from `readdir` (no `stat` per entry) and links are never followed, so a
 * symlink loop or a link out of the tree cannot lead the walk anywhere. The walk keeps an
 * explicit work list, not the call stack, so depth is bounded only by the file system; it goes
 * depth-first, so the list holds at most the siblings along one path. It yields to the event
 * loop every few milliseconds.
 */
export async function scanRoot(
  root: string,
  options: ScanOptions,
  sink: Sink
): Promise<ScanResult> {
  const failures: Failure[] = []
  const kept: string[] = []
  const venvs: string[] = []
  const excluded: string[] = []
  let entries = 0

  const pending: (Dir | Leave)[] = [{ abs: root, rel: '', within: undefined }]

  const visit = (dir: Dir, listing: fs.Dirent[]): void => {
    entries += listing.length
    if (options.progress) options.progress.entries += listing.length
    const isRoot = dir.rel === ''
    // A virtual environment is recognised from the listing already in hand: no extra system
    // call, and the standard library's own `venv` package (no pyvenv.cfg) is still cleaned.
    if (!isRoot && !options.includeVenvs && listing.some(isVenvMarker)) {
      venvs.push(dir.abs)
      if (dir.within) dir.within.keep ??= NESTED_LEFT
      return
    }

    const isPycache = !isRoot && path.basename(dir.abs) === PYCACHE
    const files: string[] = []
    const subdirs: Dir[] = []
    // Set once a __pycache__ is known to hold something other than bytecode and nested
    // __pycache__ directories (which go too, if they empty: a nested pair goes in one run).
    let other = false
    const self: Pycache | undefined = isPycache
      ? { abs: dir.abs, within: dir.within, keep: undefined }
      : undefined
    for (const entry of listing) {
      const name = entry.name
      if (entry.isDirectory()) {
        const rel = isRoot ? name : `${dir.rel}/${name}`
        // Plain concatenation: the directory is already normal, and a name has no separator.
        const abs = dir.abs + path.sep + name
        const otherRoot = options.otherRoots.has(abs)
        const skipped = !otherRoot && options.exclude.matches(name, rel)
        if (skipped) excluded.push(abs)
        const enter = !otherRoot && !skipped
        const nested = enter && self !== undefined && name === PYCACHE
        if (enter) subdirs.push({ abs, rel, within: nested ? self : undefined })
        if (!nested) other = true
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // A symlink named __pycache__ is removed as a link and never entered.
        if (isBytecodeName(name) || (name === PYCACHE && entry.isSymbolicLink())) files.push(name)
        else other = true
      } else {
        other = true
      }
    }

    const allGone = files.length === 0 || sink.files(dir.abs, files)
    if (self !== undefined) {
      if (other) self.keep = NOT_BYTECODE
      else if (!allGone) self.keep = FILES_LEFT
      // Below its subdirectories on the work list: its turn comes when they are all done.
      pending.push({ leave: self })
    }
    for (const sub of subdirs) pending.push(sub)
  }

  /** Every directory below `dir` is done: remove it if it emptied, and tell its parent. */
  const leave = (dir: Pycache): void => {
    const gone = dir.keep === undefined && sink.dir(dir.abs)
    if (dir.keep !== undefined) kept.push(`${dir.abs}: ${dir.keep}`)
    // A failed rmdir is the sink's to report; the parent only learns that this one stays.
    if (!gone && dir.within) dir.within.keep ??= NESTED_LEFT
  }

  const pause = slicer()
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if ('leave' in item) {
      leave(item.leave)
      continue
    }
    let listing: fs.Dirent[]
    try {
      listing = fs.readdirSync(item.abs, { withFileTypes: true })
    } catch (error) {
      if (!vanished(error)) {
        failures.push(toFailure(item.abs, 'read', error, item.abs))
        if (item.within) item.within.keep ??= NESTED_LEFT
      }
      continue
    }
    visit(item, listing)
    await pause()
  }
  return { root, failures, kept, venvs, excluded, entries }
}

function isVenvMarker(entry: fs.Dirent): boolean {
  return entry.name === 'pyvenv.cfg' && !entry.isDirectory()
}
