import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DebrisMatcher } from './debris.js'
import { isEnvironment, readEnvironmentTag } from './environment.js'
import type { ExcludeMatcher } from './exclude.js'
import type { Kept } from './kept.js'
import { isSourceless } from './sourceless.js'
import type { RepoIndex, TrackedLookup } from './tracked.js'
import { operationOf, toFailure, vanished, type Failure } from './failure.js'
import type { Progress } from './progress.js'
import type { Mode } from './settings.js'
import { slicer } from './slice.js'
import { bytecodeKind, isBytecodeName, PYCACHE, sourceFiles } from './names.js'
import { judgeIn, NO_RULES, type Judge, type StaleReason, type StaleRules } from './stale.js'

export interface ScanOptions {
  readonly exclude: ExcludeMatcher
  /** Enter environments below the root (a `pyvenv.cfg` or a `conda-meta/`: `isEnvironment`). */
  readonly includeVenvs: boolean
  /** Real paths of the other roots of this run: not entered here, each is cleaned on its own. */
  readonly otherRoots: ReadonlySet<string>
  /** Tool caches and build leftovers to remove too (`debris`). */
  readonly debris: DebrisMatcher
  /** `all` bytecode, or only the `stale` bytecode Python will never use. */
  readonly mode: Mode
  /** `mode: stale`: what is known of the interpreters that will use the tree (`stale.ts`). */
  readonly judging?: StaleRules
  /** Keep sourceless modules: a legacy `NAME.pyc` with no `NAME.py` beside it (`isSourceless`). */
  readonly keepSourceless: boolean
  /**
   * What git tracks (`keep-tracked`), asked at the root and at each directory holding `.git`;
   * undefined for no such guard.
   */
  readonly tracked?: TrackedLookup
  /** Counters to add to as entries are read (for a progress line). */
  readonly progress?: Progress
  /** `mode: stale`: called with each bytecode file handed over for removal, and why it is stale. */
  readonly onJudged?: (path: string, reason: StaleReason) => void
}

/**
 * What the walk hands its targets to, as it finds them. The walk decides what is a target; the
 * sink deletes (or, in a dry run, counts) and says whether it is gone.
 */
export interface Sink {
  /**
   * Removes the files and links `names` (bytecode, or debris) from `dir`, a directory the walk
   * reached from the root without following a link. True when none of them is left.
   */
  files(dir: string, names: readonly string[]): boolean
  /**
   * Removes the directory `dir` (a `__pycache__` or a debris directory), whose contents are gone.
   * True when it is gone.
   */
  dir(dir: string): boolean
  /** Called before the walk lets other code run (it yields to the event loop) and when it ends. */
  pause(): void
  /**
   * A promise while the sink has too much work still running in the background (closing
   * handles): the walk pauses and waits for it before going on. Undefined otherwise.
   */
  backlog?(): Promise<void> | undefined
}

export interface ScanResult {
  readonly root: string
  /** Directories that could not be read. */
  readonly failures: readonly Failure[]
  /** `__pycache__` and debris directories kept, and why. */
  readonly kept: readonly Kept[]
  /** Virtual environments below the root that were not entered. */
  readonly venvs: readonly string[]
  /** Directories not entered because an `exclude` pattern matched them. */
  readonly excluded: readonly string[]
  /** Sourceless modules kept (`keepSourceless`). */
  readonly sourceless: readonly string[]
  /** Targets kept because git tracks them. */
  readonly tracked: readonly string[]
  /** Targets kept because git failed on their work tree (nothing tracked could be known). */
  readonly unsure: readonly string[]
  /** `mode: stale`: how many bytecode files were handed over for each reason. */
  readonly stale: Readonly<Partial<Record<StaleReason, number>>>
  /** Directory entries read. */
  readonly entries: number
}

/** A directory waiting to be read. */
interface Dir {
  readonly abs: string
  /** Its own name (the last part of `abs`). */
  readonly name: string
  /** Path below the root, `/`-separated; '' for the root. */
  readonly rel: string
  /** The removable directory this one is directly inside, when it is one that can go too. */
  readonly within: Removable | undefined
  /** Inside a debris directory: everything goes. */
  readonly whole: boolean
  /**
   * For a `__pycache__` in `mode: stale`: the sources beside it (module name → file name);
   * undefined when they could not be listed.
   */
  readonly sources: ReadonlyMap<string, string> | undefined
  /** The index of the git work tree it lies in; undefined outside any (or with no guard). */
  readonly repo: RepoIndex | undefined
  /** Whether its own work tree has been asked for (at the root, or where `.git` is). */
  readonly asked: boolean
  /**
   * `mode: stale`, inside a virtual environment (the root, or one entered with include-venvs):
   * the cache tag of the interpreter its `pyvenv.cfg` names. Bytecode of another CPython tag
   * below it is stale: that interpreter never reads it.
   */
  readonly envTag: string | undefined
}

/** A directory read, whose work tree must be asked for before it is visited. */
interface Ask {
  readonly ask: Dir
  readonly listing: fs.Dirent[]
}

/** A `__pycache__` or debris directory whose subdirectories are still being walked. */
interface Removable {
  readonly abs: string
  readonly within: Removable | undefined
  /** Why it has to stay ('' when that needs no note); undefined while it can still go. */
  keep: string | undefined
}

/** The marker for "every directory below this one is done": its turn to go. */
interface Leave {
  readonly leave: Removable
}

const NOT_BYTECODE = 'holds entries that are not bytecode'
const FILES_LEFT = 'some of its contents could not be removed'
const NESTED_LEFT = 'holds a directory that stays'
const NOT_ENTERED = 'holds a directory that is excluded or another root'
const TRACKED = 'holds files git tracks'
const UNSURE = 'git could not say what it tracks here'
/** A __pycache__ holding bytecode still in use (`mode: stale`): the usual case, no note. */
const IN_USE = ''

/**
 * Walks one root and hands every target to `sink` as soon as it is known: the targets of a
 * directory right after that directory is read, and an emptied `__pycache__` or debris directory
 * once everything below it is done. Nothing found is kept, so memory does not grow with the tree.
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
  const kept: Kept[] = []
  const venvs: string[] = []
  const excluded: string[] = []
  const sourceless: string[] = []
  const tracked: string[] = []
  const unsure: string[] = []
  const staleCounts: Partial<Record<StaleReason, number>> = {}
  let entries = 0
  const stale = options.mode === 'stale'

  const pending: (Dir | Leave | Ask)[] = [
    {
      abs: root,
      name: path.basename(root),
      rel: '',
      within: undefined,
      whole: false,
      sources: rootSources(root, stale),
      repo: undefined,
      asked: false,
      envTag: undefined
    }
  ]

  const visit = (dir: Dir, listing: fs.Dirent[]): void => {
    entries += listing.length
    if (options.progress) options.progress.entries += listing.length
    const isRoot = dir.rel === ''
    // An environment is recognised from the listing already in hand. Inside a debris directory
    // (.tox, .nox hold venvs) everything goes.
    if (!isRoot && !dir.whole && !options.includeVenvs && isEnvironment(listing)) {
      venvs.push(dir.abs)
      if (dir.within) dir.within.keep ??= NESTED_LEFT
      return
    }

    // A root named __pycache__ (path: '**/__pycache__') is one too: its bytecode is judged as
    // such; only the root itself is never removed.
    const isPycache = !dir.whole && dir.name === PYCACHE
    // The directory itself can go: a __pycache__, or anything inside a debris directory.
    const self: Removable | undefined =
      !isRoot && (isPycache || dir.whole)
        ? { abs: dir.abs, within: dir.within, keep: undefined }
        : undefined
    const sources = stale && !dir.whole ? sourceFiles(fileNames(listing)) : undefined
    const unnameable = listing.some(e => e.name.includes('\uFFFD')) ? notUtf8(dir.abs) : undefined
    // The interpreter of an environment entered here names what its bytecode must be.
    const envTag =
      stale && listing.some(e => e.name === 'pyvenv.cfg' && e.isFile())
        ? (readEnvironmentTag(dir.abs) ?? dir.envTag)
        : dir.envTag
    const files: string[] = []
    const subdirs: Dir[] = []
    const judge =
      stale && !dir.whole
        ? judgeIn(options.judging ?? NO_RULES, {
            dir: dir.abs,
            inPycache: isPycache,
            sources: isPycache ? dir.sources : undefined,
            envTag
          })
        : undefined
    const whys = stale ? new Map<string, StaleReason>() : undefined
    // Names of this directory's files, built only when a legacy .pyc asks for its source.
    let names: Set<string> | undefined
    const has = (name: string): boolean => (names ??= new Set(fileNames(listing))).has(name)
    // Set to a reason once this directory is known to hold something that stays; a reason
    // worth a note wins over IN_USE.
    let stays: string | undefined
    const hold = (reason: string): void => {
      if (stays === undefined || stays === IN_USE) stays = reason
    }
    for (const entry of listing) {
      const name = entry.name
      if (unnameable?.has(name)) {
        // Node.js reads names as UTF-8: a name that is not cannot be given back to the system.
        const what = entry.isDirectory()
          ? 'list'
          : dir.whole || isTarget(dir, name, entry, isPycache, judge)
            ? 'unlink'
            : undefined
        if (what !== undefined) {
          failures.push({
            path: dir.abs + path.sep + name,
            operation: operationOf(what),
            attempt: what,
            code: 'EILSEQ',
            message: `its name is not valid UTF-8, which Node.js cannot name; left alone`
          })
        }
        hold(what === undefined ? NOT_BYTECODE : FILES_LEFT)
        continue
      }
      if (entry.isDirectory()) {
        const rel = isRoot ? name : `${dir.rel}/${name}`
        // Plain concatenation: the directory is already normal, and a name has no separator.
        const abs = dir.abs + path.sep + name
        const otherRoot = options.otherRoots.has(abs)
        const skipped = !otherRoot && options.exclude.matches(name, rel)
        if (skipped) excluded.push(abs)
        if (otherRoot || skipped) {
          hold(dir.whole ? NOT_ENTERED : NOT_BYTECODE)
          continue
        }
        const debris = !dir.whole && isDebrisDir(dir, name)
        const keptDebris =
          dir.whole || options.debris.none ? undefined : options.debris.keptDir(name, dir.name)
        if (keptDebris !== undefined) kept.push({ path: abs, reason: keptDebris })
        // What can go with this directory: everything inside a debris directory, a debris
        // directory, and a __pycache__ nested in a __pycache__ (a nested pair goes in one run).
        const goesWith = dir.whole || debris || (isPycache && name === PYCACHE)
        if (!goesWith) hold(NOT_BYTECODE)
        subdirs.push({
          abs,
          name,
          rel,
          within: goesWith ? self : undefined,
          whole: dir.whole || debris,
          sources: stale && name === PYCACHE ? sources : undefined,
          repo: dir.repo,
          asked: false,
          envTag
        })
      } else if (dir.whole) {
        // Inside a debris directory every entry goes: files, links, sockets, fifos.
        files.push(name)
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (!isTarget(dir, name, entry, isPycache, judge, whys)) {
          if (stale && isBytecodeName(name)) stays ??= IN_USE
          else hold(NOT_BYTECODE)
        } else if (
          !isPycache &&
          options.keepSourceless &&
          isSourceless(name, has) &&
          !mayBeTracked(dir, name)
        ) {
          sourceless.push(dir.abs + path.sep + name)
        } else files.push(name)
      } else {
        hold(NOT_BYTECODE)
      }
    }

    if (dir.repo !== undefined) keepCommitted(dir, files, hold)
    if (whys !== undefined && whys.size > 0) judged(dir, files, whys)
    const allGone = files.length === 0 || sink.files(dir.abs, files)
    if (self !== undefined) {
      if (stays !== undefined) self.keep = stays
      else if (!allGone) self.keep = FILES_LEFT
      // Below its subdirectories on the work list: its turn comes when they are all done.
      pending.push({ leave: self })
    }
    for (const sub of subdirs) pending.push(sub)
  }

  /**
   * Takes out of `files` (names in `dir`) those git tracks, or might (its work tree could not
   * be listed): they stay, and so does `dir`.
   */
  const keepCommitted = (dir: Dir, files: string[], hold: (reason: string) => void): void => {
    let kept = 0
    for (let i = 0; i < files.length; i++) {
      const abs = dir.abs + path.sep + files[i]
      const verdict = dir.repo!.verdict(abs)
      if (verdict === 'untracked') {
        files[i - kept] = files[i]
        continue
      }
      kept++
      if (verdict === 'tracked') tracked.push(abs)
      else unsure.push(abs)
      hold(verdict === 'tracked' ? TRACKED : UNSURE)
    }
    files.length -= kept
  }

  /** Counts and hands on why each of `files` (names in `dir`) is stale, for those that have one. */
  const judged = (dir: Dir, files: readonly string[], whys: Map<string, StaleReason>): void => {
    for (const name of files) {
      const why = whys.get(name)
      if (why === undefined) continue
      staleCounts[why] = (staleCounts[why] ?? 0) + 1
      options.onJudged?.(dir.abs + path.sep + name, why)
    }
  }

  /**
   * Whether git tracks `name` in `dir`, or might: then it is kept as tracked (`keepCommitted`),
   * even when it is also a sourceless module, so `tracked-files` counts every committed file.
   */
  const mayBeTracked = (dir: Dir, name: string): boolean =>
    dir.repo !== undefined && dir.repo.verdict(dir.abs + path.sep + name) !== 'untracked'

  /**
   * A file or link to remove, outside debris directories. In `mode: stale`, `judge` says which
   * bytecode is stale and `whys` gets the reason of each, for the log and the report.
   */
  const isTarget = (
    dir: Dir,
    name: string,
    entry: fs.Dirent,
    isPycache: boolean,
    judge: Judge | undefined,
    whys?: Map<string, StaleReason>
  ): boolean => {
    // A symlink named __pycache__ (or like a debris directory) is removed as a link, never
    // entered.
    if (entry.isSymbolicLink() && (name === PYCACHE || isDebrisDir(dir, name))) return true
    if (!options.debris.none && options.debris.isFile(name)) return true
    if (bytecodeKind(name, isPycache) === undefined) return false
    if (judge === undefined) return true
    const why = judge(name, entry.isSymbolicLink())
    if (why !== undefined) whys?.set(name, why)
    return why !== undefined
  }

  const isDebrisDir = (dir: Dir, name: string): boolean =>
    !options.debris.none && options.debris.isDir(name, dir.rel === '')

  /** Every directory below `dir` is done: remove it if it emptied, and tell its parent. */
  const leave = (dir: Removable): void => {
    const gone = dir.keep === undefined && sink.dir(dir.abs)
    if (dir.keep) kept.push({ path: dir.abs, reason: dir.keep })
    // A failed rmdir is the sink's to report; the parent only learns that this one stays.
    if (!gone && dir.within) dir.within.keep ??= NESTED_LEFT
  }

  /**
   * Reads `dir` and hands over what it holds; records why not when it cannot be read. The root,
   * and a directory holding `.git` (a submodule, a repository inside the root), first go back on
   * the work list to have their work tree asked for.
   */
  const enter = (dir: Dir): void => {
    let listing: fs.Dirent[] | undefined
    try {
      listing = read(dir.abs)
    } catch (error) {
      failures.push(toFailure(dir.abs, 'list', error, dir.abs))
      if (dir.within) dir.within.keep ??= NESTED_LEFT
      return
    }
    if (listing === undefined) return
    const ask =
      options.tracked !== undefined &&
      !dir.asked &&
      (dir.rel === '' || listing.some(e => e.name === '.git'))
    if (ask) pending.push({ ask: dir, listing })
    else visit(dir, listing)
  }

  /** Asks for the work tree of `item`'s directory, then visits it with what was read. */
  const askThenVisit = async (item: Ask): Promise<void> => {
    const repo = await options.tracked!.indexFor(item.ask.abs)
    visit({ ...item.ask, repo, asked: true }, item.listing)
  }

  const pause = slicer()
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if ('leave' in item) leave(item.leave)
    else if ('ask' in item) {
      sink.pause()
      await askThenVisit(item)
    } else enter(item)
    const turn = pause() ?? sink.backlog?.()
    if (turn !== undefined) {
      sink.pause()
      await turn
    }
  }
  sink.pause()
  return {
    root,
    failures,
    kept,
    venvs,
    excluded,
    sourceless,
    tracked,
    unsure,
    stale: staleCounts,
    entries
  }
}

/**
 * A directory's listing; undefined when the directory is gone; throws when it cannot be read.
 * Where the file system gives no entry types, Node.js lstats each entry while it lists, and one
 * entry vanishing fails the whole listing with ENOENT: the directory is then listed once more.
 */
function read(dir: string): fs.Dirent[] | undefined {
  for (let attempt = 0; ; attempt++) {
    try {
      return fs.readdirSync(dir, { withFileTypes: true })
    } catch (error) {
      if (!vanished(error)) throw error
      if (attempt > 0 || !isDirectory(dir)) return undefined
    }
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory()
  } catch {
    return false
  }
}

/**
 * Names in `dir` that are not valid UTF-8, as Node.js decodes them (with U+FFFD): such a name
 * cannot be given back to the system.
 */
function notUtf8(dir: string): Set<string> {
  const names = new Set<string>()
  try {
    for (const raw of fs.readdirSync(dir, { encoding: 'buffer' })) {
      const name = raw.toString()
      if (!Buffer.from(name).equals(raw)) names.add(name)
    }
  } catch {
    // Gone meanwhile: nothing to name.
  }
  return names
}

/** For a root named __pycache__ in `mode: stale`: the sources in its parent directory. */
function rootSources(root: string, stale: boolean): ReadonlyMap<string, string> | undefined {
  if (!stale || path.basename(root) !== PYCACHE) return undefined
  try {
    const listing = fs.readdirSync(path.dirname(root), { withFileTypes: true })
    return sourceFiles(fileNames(listing))
  } catch {
    return undefined
  }
}

/** Names of the files and links in a listing. */
function* fileNames(listing: readonly fs.Dirent[]): Generator<string> {
  for (const entry of listing) if (entry.isFile() || entry.isSymbolicLink()) yield entry.name
}
