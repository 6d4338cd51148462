import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DebrisMatcher, Place, Topic } from './debris.js'
import { enclosingEnvironmentTag, isEnvironment, readEnvironmentTag } from './environment.js'
import type { ExcludeMatcher } from './exclude.js'
import { identityOf, sameIdentity, type Identity } from './identity.js'
import type { Kept } from './kept.js'
import { isSourceless } from './sourceless.js'
import type { RepoIndex, TrackedLookup } from './tracked.js'
import { operationOf, toFailure, vanished, type Failure } from './failure.js'
import type { Progress } from './progress.js'
import type { Mode } from './settings.js'
import { slicer } from './slice.js'
import { mountPointCheck } from './mounts.js'
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
  /**
   * The topics `debris` does not select: entries of theirs are counted (for a hint), never
   * removed. Undefined for no count.
   */
  readonly unselected?: DebrisMatcher
  /**
   * `remove-empty`: also remove a directory below the root that this run empties (it held only
   * what goes); never one that was empty before, nor the root.
   */
  readonly removeEmpty?: boolean
  /**
   * The step's working directory and the directories above it (real paths): never removed, the
   * process stands in them. Their contents go by the usual rules.
   */
  readonly workingDirs?: ReadonlySet<string>
  /** Whether a directory is a mount point, which stays (`mountPointCheck` when unset). */
  readonly isMountPoint?: (dir: string) => boolean
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
   * True when the sink checks, before removing in a directory, that it is still the one the
   * walk read: the walk then hands over each directory's `Identity`, one lstat per directory.
   */
  readonly wantsIdentity?: boolean
  /**
   * Removes the files and links `names` (bytecode, or debris) from `dir`, a directory the walk
   * reached from the root without following a link (`seen`: what it was, with `wantsIdentity`).
   * True when none of them is left.
   */
  files(dir: string, names: readonly string[], seen?: Identity): boolean
  /**
   * Removes the directory `dir` (a `__pycache__` or a debris directory), whose contents are gone.
   * True when it is gone.
   */
  dir(dir: string, seen?: Identity): boolean
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
  /** Entries of debris topics not selected, by topic (directories counted as one). */
  readonly unselected: Readonly<Partial<Record<Topic, number>>>
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
  /** Inside a directory of a debris topic not selected, counted for the hint: nothing below is. */
  readonly hinted: boolean
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
  /**
   * With `Sink.wantsIdentity`: the directory's identity as its parent's visit saw it (for the
   * root, when the walk started). The directory is read, and its targets handed over, only
   * while its path still leads there: a parent swapped for a link or junction since changes it.
   */
  readonly seen: Identity | undefined
}

/** A directory read, whose work tree must be asked for before it is visited. */
interface Ask {
  readonly ask: Dir
  readonly listing: fs.Dirent[]
}

/** A `__pycache__` or debris directory whose subdirectories are still being walked. */
interface Removable {
  readonly abs: string
  /** What it was when the walk read it (with `Sink.wantsIdentity`). */
  readonly seen: Identity | undefined
  readonly within: Removable | undefined
  /** An ordinary directory (`removeEmpty`): that it stays is no news, never noted as kept. */
  readonly quiet: boolean
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
const WORKING_DIR = "is this step's working directory, or holds it; its contents were removed"
const MOUNT_POINT = 'a mount point: its contents were removed, the mount stays'
const LINKED_PYCACHE =
  "a symlink: 'mode: stale' does not follow it to judge the bytecode Python reads through it"
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
  return new RootWalk(root, options, sink).run()
}

/** What one directory's visit gathers while its entries are read. */
interface Visit {
  readonly dir: Dir
  readonly listing: readonly fs.Dirent[]
  /** What the directory was when it was read (with `Sink.wantsIdentity`). */
  readonly seen: Identity | undefined
  readonly isRoot: boolean
  readonly isPycache: boolean
  /** The directory itself, when it can go too (a __pycache__, or inside a debris directory). */
  readonly self: Removable | undefined
  /** `mode: stale`: the sources in this directory, for a `__pycache__` below it. */
  readonly sources: ReadonlyMap<string, string> | undefined
  /** Names that are not valid UTF-8 (`notUtf8`). */
  readonly unnameable: ReadonlySet<string> | undefined
  readonly envTag: string | undefined
  /** `mode: stale`: says which bytecode here is stale, and why. */
  readonly judge: Judge | undefined
  /** Targets found, by name, and the reason of each stale one. */
  readonly files: string[]
  readonly whys: Map<string, StaleReason>
  readonly subdirs: Dir[]
  /** Names of this directory's files, built only when a legacy .pyc asks for its source. */
  names: Set<string> | undefined
  /** The directory as debris rules see it. */
  readonly place: Place
  /**
   * Set to a reason once this directory is known to hold something that stays; a reason worth a
   * note wins over IN_USE.
   */
  stays: string | undefined
}

function hold(visit: Visit, reason: string): void {
  if (visit.stays === undefined || visit.stays === IN_USE) visit.stays = reason
}

/** One walk of one root (`scanRoot`): the work list, and what the walk found so far. */
class RootWalk {
  private readonly failures: Failure[] = []
  private readonly kept: Kept[] = []
  private readonly venvs: string[] = []
  private readonly excluded: string[] = []
  private readonly sourceless: string[] = []
  private readonly tracked: string[] = []
  private readonly unsure: string[] = []
  private readonly staleCounts: Partial<Record<StaleReason, number>> = {}
  private readonly unselected: Partial<Record<Topic, number>> = {}
  private entries = 0
  private readonly stale: boolean
  private readonly pending: (Dir | Leave | Ask)[]
  private readonly isMountPoint: (dir: string) => boolean

  constructor(
    private readonly root: string,
    private readonly options: ScanOptions,
    private readonly sink: Sink
  ) {
    this.stale = options.mode === 'stale'
    this.isMountPoint = options.isMountPoint ?? mountPointCheck()
    this.pending = [
      {
        abs: root,
        name: path.basename(root),
        rel: '',
        within: undefined,
        whole: false,
        hinted: false,
        sources: rootSources(root, this.stale),
        repo: undefined,
        asked: false,
        envTag: this.stale ? enclosingEnvironmentTag(root) : undefined,
        seen: sink.wantsIdentity === true ? identityOf(root) : undefined
      }
    ]
  }

  async run(): Promise<ScanResult> {
    const { pending, sink } = this
    const pause = slicer()
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
      if ('leave' in item) this.leave(item.leave)
      else if ('ask' in item) {
        sink.pause()
        await this.askThenVisit(item)
      } else this.enter(item)
      const turn = pause() ?? sink.backlog?.()
      if (turn !== undefined) {
        sink.pause()
        await turn
      }
    }
    sink.pause()
    return {
      root: this.root,
      failures: this.failures,
      kept: this.kept,
      venvs: this.venvs,
      excluded: this.excluded,
      sourceless: this.sourceless,
      tracked: this.tracked,
      unsure: this.unsure,
      stale: this.staleCounts,
      entries: this.entries,
      unselected: this.unselected
    }
  }

  /**
   * Reads `dir` and hands over what it holds; records why not when it cannot be read. The root,
   * and a directory holding `.git` (a submodule, a repository inside the root), first go back on
   * the work list to have their work tree asked for.
   */
  private enter(dir: Dir): void {
    if (!this.stillSeen(dir)) return
    let listing: fs.Dirent[] | undefined
    try {
      listing = read(dir.abs)
    } catch (error) {
      this.failures.push(toFailure(dir.abs, 'list', error, dir.abs))
      if (dir.within) dir.within.keep ??= NESTED_LEFT
      return
    }
    if (listing === undefined) return
    const ask =
      this.options.tracked !== undefined &&
      !dir.asked &&
      (dir.rel === '' || listing.some(e => e.name === '.git'))
    if (ask) this.pending.push({ ask: dir, listing })
    else this.visit(dir, listing)
  }

  /** Asks for the work tree of `item`'s directory, then visits it with what was read. */
  private async askThenVisit(item: Ask): Promise<void> {
    const repo = await this.options.tracked!.indexFor(item.ask.abs)
    this.visit({ ...item.ask, repo, asked: true }, item.listing)
  }

  /** Hands over the targets of a directory just read, and puts its subdirectories on the list. */
  private visit(dir: Dir, listing: fs.Dirent[]): void {
    this.entries += listing.length
    if (this.options.progress) this.options.progress.entries += listing.length
    const isRoot = dir.rel === ''
    // An environment is recognised from the listing already in hand. Inside a debris directory
    // (.tox, .nox hold venvs) everything goes.
    if (!isRoot && !dir.whole && !this.options.includeVenvs && isEnvironment(listing)) {
      this.venvs.push(dir.abs)
      if (dir.within) dir.within.keep ??= NESTED_LEFT
      return
    }
    const v = this.startVisit(dir, listing)
    for (const entry of listing) {
      if (v.unnameable?.has(entry.name)) this.unnameableEntry(v, entry)
      else if (entry.isDirectory()) this.subdir(v, entry.name)
      else if (dir.whole)
        v.files.push(entry.name) // inside debris: files, links, sockets, fifos
      else if (entry.isFile() || entry.isSymbolicLink()) this.file(v, entry)
      else hold(v, NOT_BYTECODE)
    }
    // Once more after the subdirectories' identities were taken: a parent swapped in between
    // would have them taken through the link.
    if (!this.stillSeen(dir)) return
    this.finishVisit(v)
  }

  /**
   * With `Sink.wantsIdentity` (Windows, where nothing is entered): whether `dir`'s path still
   * leads to the directory its parent's visit saw; records why not. Always true otherwise.
   */
  private stillSeen(dir: Dir): boolean {
    if (this.sink.wantsIdentity !== true) return true
    const now = identityOf(dir.abs)
    if (now !== undefined && dir.seen !== undefined && sameIdentity(now, dir.seen)) return true
    if (now === undefined && dir.seen !== undefined) return false // gone meanwhile
    this.failures.push({
      path: dir.abs,
      operation: 'read',
      attempt: 'list',
      code: undefined,
      message:
        'it is another directory than the one the walk reached (a link or junction above it ' +
        'changed); nothing in it read or removed'
    })
    if (dir.within) dir.within.keep ??= NESTED_LEFT
    return false
  }

  /** What a visit of `dir` starts from: what the directory is, and how its files are judged. */
  private startVisit(dir: Dir, listing: fs.Dirent[]): Visit {
    const isRoot = dir.rel === ''
    // A root named __pycache__ (path: '**/__pycache__') is one too: its bytecode is judged as
    // such; only the root itself is never removed.
    const isPycache = !dir.whole && dir.name === PYCACHE
    const seen = dir.seen
    // An ordinary directory can go too with `removeEmpty`, unless it was empty before the run.
    const ordinary = !isPycache && !dir.whole
    const removable =
      !isRoot && (!ordinary || (this.options.removeEmpty === true && listing.length > 0))
    // The step's working directory (or one above it) stays: the process stands in it.
    const standsIn = this.options.workingDirs?.has(dir.abs) === true
    const self: Removable | undefined = removable
      ? {
          abs: dir.abs,
          seen,
          within: dir.within,
          quiet: ordinary,
          keep: standsIn ? (ordinary ? '' : WORKING_DIR) : undefined
        }
      : undefined
    const judging = this.stale && !dir.whole
    // The interpreter of an environment entered here names what its bytecode must be.
    const envTag =
      judging && listing.some(e => e.name === 'pyvenv.cfg' && e.isFile())
        ? (readEnvironmentTag(dir.abs) ?? dir.envTag)
        : dir.envTag
    const judge = judging
      ? judgeIn(this.options.judging ?? NO_RULES, {
          dir: dir.abs,
          inPycache: isPycache,
          sources: isPycache ? dir.sources : undefined,
          envTag
        })
      : undefined
    const visit: Visit = {
      dir,
      listing,
      seen,
      isRoot,
      isPycache,
      self,
      sources: judging ? sourceFiles(fileNames(listing)) : undefined,
      unnameable: listing.some(e => e.name.includes('\uFFFD')) ? notUtf8(dir.abs) : undefined,
      envTag,
      judge,
      files: [],
      whys: new Map(),
      subdirs: [],
      names: undefined,
      stays: undefined,
      place: {
        rel: dir.rel,
        hasFile: name => (visit.names ??= new Set(fileNames(listing))).has(name)
      }
    }
    return visit
  }

  /** Node.js reads names as UTF-8: a name that is not cannot be given back to the system. */
  private unnameableEntry(v: Visit, entry: fs.Dirent): void {
    const what = entry.isDirectory()
      ? 'list'
      : v.dir.whole || this.isTarget(v, entry)
        ? 'unlink'
        : undefined
    if (what !== undefined) {
      this.failures.push({
        path: v.dir.abs + path.sep + entry.name,
        operation: operationOf(what),
        attempt: what,
        code: 'EILSEQ',
        message: `its name is not valid UTF-8, which Node.js cannot name; left alone`
      })
    }
    hold(v, what === undefined ? NOT_BYTECODE : FILES_LEFT)
  }

  /** A subdirectory: not entered (excluded, another root), or put on the work list. */
  private subdir(v: Visit, name: string): void {
    const { dir, isRoot, isPycache, self } = v
    const { options } = this
    const rel = isRoot ? name : `${dir.rel}/${name}`
    // Plain concatenation: the directory is already normal, and a name has no separator.
    const abs = dir.abs + path.sep + name
    const otherRoot = options.otherRoots.has(abs)
    const skipped = !otherRoot && options.exclude.matches(name, rel)
    if (skipped) this.excluded.push(abs)
    if (otherRoot || skipped) {
      hold(v, dir.whole ? NOT_ENTERED : NOT_BYTECODE)
      return
    }
    const debris = !dir.whole && this.isDebrisDir(v, name)
    const hinted = !dir.whole && !debris && !dir.hinted && this.countUnselected(v, name)
    const keptDebris =
      dir.whole || options.debris.none ? undefined : options.debris.keptDir(name, dir.name)
    if (keptDebris !== undefined) this.kept.push({ path: abs, reason: keptDebris })
    // What can go with this directory: everything inside a debris directory, a debris
    // directory, a __pycache__ nested in a __pycache__ (a nested pair goes in one run), and
    // with `removeEmpty` any subdirectory of one that can go (it may empty too).
    const goesWith =
      dir.whole ||
      debris ||
      (isPycache && name === PYCACHE) ||
      (options.removeEmpty === true && self !== undefined)
    if (!goesWith) hold(v, NOT_BYTECODE)
    v.subdirs.push({
      abs,
      name,
      rel,
      within: goesWith ? self : undefined,
      whole: dir.whole || debris,
      hinted: dir.hinted || hinted,
      sources: name === PYCACHE ? v.sources : undefined,
      repo: dir.repo,
      asked: false,
      envTag: v.envTag,
      seen: this.sink.wantsIdentity === true ? identityOf(abs) : undefined
    })
  }

  /** A file or link outside debris directories: a target, a sourceless module, or it stays. */
  private file(v: Visit, entry: fs.Dirent): void {
    const name = entry.name
    if (this.stale && name === PYCACHE && entry.isSymbolicLink()) {
      // Python reads its bytecode through the link; the walk never follows one to judge it.
      this.kept.push({ path: v.dir.abs + path.sep + name, reason: LINKED_PYCACHE })
      hold(v, LINKED_PYCACHE)
      return
    }
    if (!this.isTarget(v, entry)) {
      if (this.stale && isBytecodeName(name)) v.stays ??= IN_USE
      else hold(v, NOT_BYTECODE)
      if (!v.dir.hinted) this.countUnselected(v, name, entry)
    } else if (
      !v.isPycache &&
      this.options.keepSourceless &&
      isSourceless(name, n => (v.names ??= new Set(fileNames(v.listing))).has(n)) &&
      !this.mayBeTracked(v.dir, name)
    ) {
      this.sourceless.push(v.dir.abs + path.sep + name)
      hold(v, NOT_BYTECODE)
    } else v.files.push(name)
  }

  /** Hands the visit's targets to the sink, and its subdirectories to the work list. */
  private finishVisit(v: Visit): void {
    const { dir, files, self } = v
    if (dir.repo !== undefined) this.keepCommitted(dir, files, reason => hold(v, reason))
    if (v.whys.size > 0) this.judged(dir, files, v.whys)
    const allGone = files.length === 0 || this.sink.files(dir.abs, files, v.seen)
    if (self !== undefined) {
      if (v.stays !== undefined) self.keep = v.stays
      else if (!allGone) self.keep = FILES_LEFT
      // Below its subdirectories on the work list: its turn comes when they are all done.
      this.pending.push({ leave: self })
    } else if (dir.within) {
      // A directory that cannot go (with `removeEmpty`: one that was empty before the run).
      dir.within.keep ??= NESTED_LEFT
    }
    for (const sub of v.subdirs) this.pending.push(sub)
  }

  /**
   * Takes out of `files` (names in `dir`) those git tracks, or might (its work tree could not
   * be listed): they stay, and so does `dir`.
   */
  private keepCommitted(dir: Dir, files: string[], hold: (reason: string) => void): void {
    let kept = 0
    for (let i = 0; i < files.length; i++) {
      const abs = dir.abs + path.sep + files[i]
      const verdict = dir.repo!.verdict(abs)
      if (verdict === 'untracked') {
        files[i - kept] = files[i]
        continue
      }
      kept++
      if (verdict === 'tracked') this.tracked.push(abs)
      else this.unsure.push(abs)
      hold(verdict === 'tracked' ? TRACKED : UNSURE)
    }
    files.length -= kept
  }

  /** Counts and hands on why each of `files` (names in `dir`) is stale, for those that have one. */
  private judged(dir: Dir, files: readonly string[], whys: Map<string, StaleReason>): void {
    for (const name of files) {
      const why = whys.get(name)
      if (why === undefined) continue
      this.staleCounts[why] = (this.staleCounts[why] ?? 0) + 1
      this.options.onJudged?.(dir.abs + path.sep + name, why)
    }
  }

  /**
   * Whether git tracks `name` in `dir`, or might: then it is kept as tracked (`keepCommitted`),
   * even when it is also a sourceless module, so `tracked-files` counts every committed file.
   */
  private mayBeTracked(dir: Dir, name: string): boolean {
    return dir.repo !== undefined && dir.repo.verdict(dir.abs + path.sep + name) !== 'untracked'
  }

  /**
   * A file or link to remove, outside debris directories. In `mode: stale`, the visit's judge
   * says which bytecode is stale, and `whys` gets the reason of each, for the log and the report.
   */
  private isTarget(v: Visit, entry: fs.Dirent): boolean {
    const name = entry.name
    // A symlink named __pycache__ (or like a debris directory: `debrisTopic`) is removed as a
    // link, never entered (in `mode: stale` a linked __pycache__ stays: `file`).
    if (entry.isSymbolicLink() && name === PYCACHE) return true
    const { debris } = this.options
    if (!debris.none && debrisTopic(debris, name, v.place, entry) !== undefined) return true
    if (bytecodeKind(name, v.isPycache) === undefined) return false
    if (v.judge === undefined) return true
    const why = v.judge(name, entry.isSymbolicLink())
    if (why !== undefined) v.whys.set(name, why)
    return why !== undefined
  }

  private isDebrisDir(v: Visit, name: string): boolean {
    return !this.options.debris.none && this.options.debris.dirTopic(name, v.place) !== undefined
  }

  /**
   * Counts the directory `name` in `v` (or, given its entry, the file), for the hint, when it
   * belongs to a debris topic `debris` does not select; true when it does.
   */
  private countUnselected(v: Visit, name: string, file?: fs.Dirent): boolean {
    const matcher = this.options.unselected
    if (matcher === undefined || matcher.none) return false
    const topic = debrisTopic(matcher, name, v.place, file)
    if (topic === undefined) return false
    this.unselected[topic] = (this.unselected[topic] ?? 0) + 1
    return true
  }

  /** Every directory below `dir` is done: remove it if it emptied, and tell its parent. */
  private leave(dir: Removable): void {
    if (dir.keep === undefined && this.isMountPoint(dir.abs))
      dir.keep = dir.quiet ? '' : MOUNT_POINT
    const gone = dir.keep === undefined && this.sink.dir(dir.abs, dir.seen)
    if (dir.keep && !dir.quiet) this.kept.push({ path: dir.abs, reason: dir.keep })
    // A failed rmdir is the sink's to report; the parent only learns that this one stays.
    if (!gone && dir.within) dir.within.keep ??= NESTED_LEFT
  }
}

/**
 * The topic `matcher` puts an entry of `place` in: a directory (`entry` undefined) is debris
 * whole; a file or link by its file name, and a link named like a debris directory too (it is
 * removed as a link, never followed).
 */
function debrisTopic(
  matcher: DebrisMatcher,
  name: string,
  place: Place,
  entry?: fs.Dirent
): Topic | undefined {
  if (entry === undefined) return matcher.dirTopic(name, place)
  return (
    (entry.isSymbolicLink() ? matcher.dirTopic(name, place) : undefined) ??
    matcher.fileTopic(name, place)
  )
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
