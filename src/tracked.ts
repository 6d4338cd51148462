import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Git } from './git.js'

/**
 * Decides what git tracks, so that nothing committed is removed (`keep-tracked`). Each work
 * tree (a repository, a submodule, a repository inside a root) is asked once, with one
 * `git ls-files -z` limited by pathspecs to the names the action could remove, so a large
 * repository costs one index read, not a call per file.
 */
export interface RepoIndex {
  /** The top of the work tree. */
  readonly top: string
  /**
   * Why git could not list the index (a corrupt index, a `safe.directory` refusal): then
   * nothing in this work tree may be removed, since nothing tracked can be known.
   */
  readonly failure: string | undefined
  /** `tracked`, `unknown` (git failed), or `untracked`, for an absolute path below `top`. */
  verdict(abs: string): Verdict
}

export type Verdict = 'tracked' | 'unknown' | 'untracked'

/** What the walk asks when it meets a root or a directory holding `.git`. */
export interface TrackedLookup {
  /** The index of the work tree `dir` lies in; undefined outside any work tree. */
  indexFor(dir: string): Promise<RepoIndex | undefined>
  /** What happened, for the log: debug notes, and one warning per work tree git failed on. */
  readonly notes: string[]
  readonly warnings: string[]
}

/**
 * Pathspecs for what bytecode cleaning can remove (debris topics add their own). Plain
 * pathspecs, whose `*` also matches `/`: on an index of 1e6 entries git matches these in 0.16 s,
 * `:(glob)**` ones in 0.4 s. Broader than the names is harmless: they only limit the listing.
 */
export const BYTECODE_PATHSPECS: readonly string[] = ['*.pyc', '*.pyo', '*__pycache__*']

/**
 * Asks `git` about each work tree once (across every root of the run). `pathspecs` limit the
 * listing to what the run could remove. `sep` is the platform's separator (tests pass '\\').
 */
export function trackedLookup(
  git: Git,
  pathspecs: readonly string[],
  sep: string = path.sep
): TrackedLookup {
  const byTop = new Map<string, Promise<RepoIndex>>()
  const notes: string[] = []
  const warnings: string[] = []
  /**
   * The index of a work tree already asked about that `dir` lies in with no `.git` in between
   * (which would start another work tree): then git need not be asked again. With
   * `path: '**\/__pycache__'` every match is a root, and a repository can hold thousands.
   */
  const known = (dir: string): Promise<RepoIndex> | undefined => {
    for (let d = dir; ; d = path.dirname(d)) {
      const index = byTop.get(d)
      if (index !== undefined) return index
      if (path.dirname(d) === d || holdsGit(d)) return undefined
    }
  }
  const load = async (top: string): Promise<RepoIndex> => {
    try {
      const listed = await git.trackedIn(top, pathspecs)
      notes.push(`${top}: git tracks ${listed.length} of the names this run could remove.`)
      return repoIndex(top, listed, sep)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      warnings.push(failedWarning(top, message))
      return failedIndex(top, message)
    }
  }
  return {
    notes,
    warnings,
    async indexFor(dir) {
      const cached = known(dir)
      if (cached !== undefined) return cached
      const found = await git.topOf(dir)
      if (found.kind === 'outside') {
        notes.push(`${dir} is in no git work tree: nothing there is kept as tracked.`)
        return undefined
      }
      if (found.kind === 'failed') {
        // Once per work tree: where git names it, every directory below shares the verdict.
        const top = found.repository ?? dir
        warnings.push(failedWarning(top, found.message))
        const index = Promise.resolve(failedIndex(top, found.message))
        byTop.set(top, index)
        return index
      }
      let index = byTop.get(found.top)
      if (index === undefined) {
        index = load(found.top)
        byTop.set(found.top, index)
      }
      return index
    }
  }
}

function failedWarning(where: string, message: string): string {
  return (
    `git could not say what it tracks in ${where}: ${message}. Nothing in that work tree that ` +
    "git could track is removed ('keep-tracked' is true; set it to false to remove them anyway)."
  )
}

/** The index of `top` from `git ls-files` paths (relative to `top`, `/`-separated). */
export function repoIndex(top: string, listed: readonly string[], sep: string): RepoIndex {
  const files = new Set<string>()
  const prefix = top.endsWith(sep) ? top : top + sep
  for (const rel of listed) files.add(prefix + (sep === '/' ? rel : rel.split('/').join(sep)))
  return {
    top,
    failure: undefined,
    verdict: abs => (files.has(abs) ? 'tracked' : 'untracked')
  }
}

/** A work tree git failed on: anything below it might be tracked. */
export function failedIndex(top: string, failure: string): RepoIndex {
  return { top, failure, verdict: () => 'unknown' }
}

/** Why an entry stays when git failed on its work tree. */
export const UNKNOWN_REASON = 'git could not say whether it is tracked (see the warning)'

/** Whether `dir` holds a `.git` entry (a repository, a submodule or a worktree starts there). */
function holdsGit(dir: string): boolean {
  try {
    fs.lstatSync(path.join(dir, '.git'))
    return true
  } catch {
    return false
  }
}
