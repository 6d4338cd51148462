import * as exec from '@actions/exec'
import * as io from '@actions/io'
import * as path from 'node:path'

/**
 * Runs git the toolkit's way (found with `io.which`, run with `exec.getExecOutput`), so that a
 * repository's own configuration cannot make it run a program: `core.fsmonitor` names a hook
 * git would execute, and is turned off; no pager, no optional locks. `safe.directory` is never
 * overridden: that check exists to protect exactly this call, and its refusal is reported.
 */
export interface Git {
  /** The top of the work tree `dir` lies in, or why there is none. */
  topOf(dir: string): Promise<TopOf>
  /** The paths the index of the work tree at `top` holds that match `pathspecs`, relative, `/`. */
  trackedIn(top: string, pathspecs: readonly string[]): Promise<string[]>
}

export type TopOf =
  | { readonly kind: 'top'; readonly top: string }
  | { readonly kind: 'outside' }
  | {
      readonly kind: 'failed'
      readonly message: string
      /** The repository git names in its refusal (`dubious ownership in repository at '…'`). */
      readonly repository: string | undefined
    }

/** Options that keep a repository's configuration from running programs (see `Git`). */
const SAFE = ['-c', 'core.fsmonitor=false', '--no-pager', '--no-optional-locks']

/**
 * Variables that would point git at another repository than the directory asked about, or
 * change how pathspecs match.
 */
const REDIRECTS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS'
]

/** git on PATH, or undefined when there is none. */
export async function findGit(): Promise<Git | undefined> {
  const git = await io.which('git', false)
  if (git === '') return undefined
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !REDIRECTS.includes(k)) env[k] = v
  }
  // Messages in English, whatever the runner's locale, so a refusal can be recognised.
  env.LC_ALL = 'C'
  const run = (cwd: string, args: string[]) =>
    exec.getExecOutput(git, [...SAFE, ...args], {
      cwd,
      env,
      silent: true,
      ignoreReturnCode: true
    })
  return {
    async topOf(dir) {
      const r = await run(dir, ['rev-parse', '--show-toplevel']).catch(error => ({
        exitCode: -1,
        stdout: '',
        stderr: String(error)
      }))
      // Only the line break git ends with: a directory name may end in a space.
      if (r.exitCode === 0)
        return { kind: 'top', top: path.resolve(r.stdout.replace(/\r?\n$/, '')) }
      // Outside any work tree git says '(or any of the parent directories)', or '(or any parent
      // up to mount point …)' where it stops at a file system boundary; a `.git` file pointing
      // nowhere (a moved worktree or submodule) is 'not a git repository: /its/gitdir', a broken
      // work tree: that must keep what the parent tracks, not lose its guard.
      if (/not a git repository \(or any (of the )?parent/i.test(r.stderr)) {
        return { kind: 'outside' }
      }
      const repository = /repository at '([^']+)'/.exec(r.stderr)?.[1]
      return {
        kind: 'failed',
        message: firstLines(r.stderr) || `exit code ${r.exitCode}`,
        repository: repository === undefined ? undefined : path.resolve(repository)
      }
    },
    async trackedIn(top, pathspecs) {
      const r = await run(top, ['ls-files', '-z', '--cached', '--', ...pathspecs])
      if (r.exitCode !== 0) {
        throw new Error(firstLines(r.stderr) || `git ls-files: exit code ${r.exitCode}`)
      }
      return r.stdout.split('\0').filter(p => p !== '')
    }
  }
}

/** The first lines of git's stderr, joined: what a warning shows. */
function firstLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '')
    .slice(0, 3)
    .join(' ')
}
