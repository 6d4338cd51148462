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

/** The bytecode found in one directory. */
export interface TargetGroup {
  /** The directory, reached from the root without following any link. */
  readonly dir: string
  /** Names of the bytecode files and symlinks in `dir` to remove. */
  readonly files: readonly string[]
  /**
   * A `__pycache__` that holds nothing but `files` and removable nested `__pycache__`
   * directories: removed once they are gone.
   */
  readonly removeDir: boolean
  /** Depth below the root (the root is 0): nested directories are removed before their parent. */
  readonly depth: number
}

export interface ScanResult {
  readonly root: string
  /** Directories holding targets, deepest first. */
  readonly groups: readonly TargetGroup[]
  /** Directories that could not be read. */
  readonly failures: readonly Failure[]
  /** `__pycache__` directories kept because they hold something that is not bytecode. */
  readonly kept: readonly string[]
  /** Virtual environments below the root that were not entered. */
  readonly venvs: readonly string[]
  /** Directories not entered because an `exclude` pattern matched them. */
  readonly excluded: readonly string[]
  /** Directory entries read. */
  readonly entries: number
}

interface Dir {
  readonly abs: string
  /** Path below the root, `/`-separated; '' for the root. */
  readonly rel: string
}

/**
 * Walks one root and finds what to remove, without deleting anything. Entry types come from
 * `readdir` (no `stat` per entry) and links are never followed, so a symlink loop or a link out
 * of the tree cannot lead the walk anywhere. The walk keeps an explicit work list, not the call
 * stack, so depth is bounded only by the file system; it goes depth-first, so the list holds
 * at most the siblings along one path. It yields to the event loop every few milliseconds.
 */
export async function scanRoot(root: string, options: ScanOptions): Promise<ScanResult> {
  const found: Found[] = []
  const failures: Failure[] = []
  const kept: string[] = []
  const venvs: string[] = []
  const excluded: string[] = []
  let entries = 0

  const visit = (dir: Dir, listing: fs.Dirent[]): Dir[] => {
    entries += listing.length
    if (options.progress) options.progress.entries += listing.length
    const isRoot = dir.rel === ''
    // A virtual environment is recognised from the listing already in hand: no extra system
    // call, and the standard library's own `venv` package (no pyvenv.cfg) is still cleaned.
    if (!isRoot && !options.includeVenvs && listing.some(isVenvMarker)) {
      venvs.push(dir.abs)
      return []
    }

    const isPycache = !isRoot && path.basename(dir.abs) === PYCACHE
    const files: string[] = []
    const subdirs: Dir[] = []
    const nested: string[] = []
    let other = 0
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
        if (enter) subdirs.push({ abs, rel })
        // A __pycache__ inside a __pycache__ may go too; whether it does is known after the walk.
        if (enter && isPycache && name === PYCACHE) nested.push(abs)
        else other++
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        // A symlink named __pycache__ is removed as a link and never entered.
        if (isBytecodeName(name) || (name === PYCACHE && entry.isSymbolicLink())) files.push(name)
        else other++
      } else {
        other++
      }
    }

    if (files.length > 0 || isPycache) {
      const depth = isRoot ? 0 : dir.rel.split('/').length
      found.push({ dir: dir.abs, files, depth, selfClean: isPycache && other === 0, nested })
    }
    return subdirs
  }

  const pending: Dir[] = [{ abs: root, rel: '' }]
  const pause = slicer()
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let listing: fs.Dirent[]
    try {
      listing = fs.readdirSync(dir.abs, { withFileTypes: true })
    } catch (error) {
      if (!vanished(error)) failures.push(toFailure(dir.abs, 'read', error, dir.abs))
      continue
    }
    for (const sub of visit(dir, listing)) pending.push(sub)
    await pause()
  }

  // Decide removeDir bottom-up: a __pycache__ goes when it holds nothing but bytecode and nested
  // __pycache__ directories that go too, so a nested pair is cleaned in one run, not two.
  found.sort((a, b) => b.depth - a.depth)
  const removable = new Set<string>()
  const groups: TargetGroup[] = []
  for (const f of found) {
    const removeDir = f.selfClean && f.nested.every(n => removable.has(n))
    if (removeDir) removable.add(f.dir)
    else if (path.basename(f.dir) === PYCACHE && f.depth > 0) kept.push(f.dir)
    groups.push({ dir: f.dir, files: f.files, removeDir, depth: f.depth })
  }
  return { root, groups, failures, kept, venvs, excluded, entries }
}

/** A directory with targets, before its `removeDir` can be decided. */
interface Found {
  readonly dir: string
  readonly files: string[]
  readonly depth: number
  /** A `__pycache__` with no entry but bytecode and nested `__pycache__` directories. */
  readonly selfClean: boolean
  /** Nested `__pycache__` directories that are entered. */
  readonly nested: string[]
}

function isVenvMarker(entry: fs.Dirent): boolean {
  return entry.name === 'pyvenv.cfg' && !entry.isDirectory()
}
