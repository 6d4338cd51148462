import * as glob from '@actions/glob'
import { promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Inputs } from './constants.js'
import { InputError, errorCode, getErrorMessage } from './errors.js'
import { systemText } from './failure-text.js'

/** What the `path` patterns expanded to. */
export interface Roots {
  /** Real paths of the directories to clean, without duplicates, in the order first matched. */
  readonly roots: readonly string[]
  /** `path` lines that matched no directory (before or after `!` lines). */
  readonly unmatched: readonly string[]
  /** Things worth a debug line: symlinked roots, matched files that were ignored, duplicates. */
  readonly notes: readonly string[]
}

// For deletion: never follow links, never expand a matched directory into everything below it,
// and do match directories (DESIGN.md, "Facts learned the hard way").
const GLOB_OPTIONS: glob.GlobOptions = {
  followSymbolicLinks: false,
  implicitDescendants: false,
  matchDirectories: true
}

/**
 * Expands `path` lines into root directories with @actions/glob (the syntax actions/cache users
 * know). Each positive line is globbed with every `!` line, so a line that matched nothing can
 * be named. A matched symlink to a directory is cleaned at its target (like `find -H`); links
 * below a root are never followed. A root that is the file system root is refused.
 */
export async function expandRoots(
  patterns: readonly string[],
  workspace: string,
  platform: NodeJS.Platform = process.platform
): Promise<Roots> {
  const negatives: string[] = []
  for (const line of patterns.filter(negates)) {
    const rooted = rootPattern(line, workspace, platform)
    // Checked alone first, so that an invalid `!` line is the one the error names.
    await globLines(line, [rooted])
    negatives.push(rooted)
  }
  const roots: string[] = []
  const seen = new Set<string>()
  const unmatched: string[] = []
  const notes: string[] = []

  for (const line of patterns.filter(p => !negates(p))) {
    const matches = await globLines(line, [rootPattern(line, workspace, platform), ...negatives])
    let directories = 0
    for (const match of matches) {
      const root = await resolveRoot(match, notes)
      if (root === undefined) continue
      directories++
      if (isFileSystemRoot(root)) throw fileSystemRoot(line, root)
      if (seen.has(root)) {
        notes.push(`'${match}' is the root '${root}' again; it is cleaned once.`)
        continue
      }
      seen.add(root)
      roots.push(root)
    }
    if (directories === 0) unmatched.push(line)
  }
  return { roots, unmatched, notes }
}

/** True for a `path` line that drops roots: an odd number of leading `!` (as @actions/glob). */
export function negates(line: string): boolean {
  return (/^!*/.exec(line)?.[0].length ?? 0) % 2 === 1
}

/** True for `/`, `C:\`, `\\server\share\`: a path that is its own root. */
export function isFileSystemRoot(p: string, platform: NodeJS.Platform = process.platform): boolean {
  const paths = platform === 'win32' ? path.win32 : path.posix
  const resolved = paths.resolve(p)
  const root = paths.parse(resolved).root
  const trim = (s: string): string => s.replace(/[\\/]+$/, '')
  return trim(resolved) === trim(root)
}

/**
 * Makes a relative pattern absolute against the workspace, escaping the workspace so that a
 * `[` or `*` in its name is literal. @actions/glob itself resolves against `process.cwd()`.
 */
export function rootPattern(
  line: string,
  workspace: string,
  platform: NodeJS.Platform = process.platform
): string {
  const windows = platform === 'win32'
  const { bang, body: literal } = split(line)
  let body = literal
  const absolute = windows ? /^([A-Za-z]:|[\\/])/.test(body) : body.startsWith('/')
  if (absolute || isHome(body, windows)) return line
  if (body.startsWith('~')) {
    // @actions/glob expands only `~` and `~/…`; `~bob/x` would silently become `<workspace>/~bob/x`.
    throw new InputError(
      `Input '${Inputs.Path}' has the line '${line}': only '~' and '~/…' (the home directory) ` +
        `expand, '~user' does not. Expected an absolute path, '~/…', or a path relative to the ` +
        `workspace (write './${body}' for a directory named like that).`
    )
  }
  body = body.replace(windows ? /^(\.[\\/]+)+/ : /^(\.\/+)+/, '')
  const separator = windows ? '\\' : '/'
  const base = globEscape(workspace, windows).replace(/[\\/]+$/, '')
  return bang + (body === '.' || body === '' ? base : base + separator + body)
}

/** A `path` line's leading `!`s and the pattern after them. */
function split(line: string): { bang: string; body: string } {
  const bang = /^!*/.exec(line)?.[0] ?? ''
  // @actions/glob trims after each '!', so '! foo' is '!foo'.
  return { bang, body: line.slice(bang.length).trim() }
}

/** `~` or `~/…` (also `~\…` on Windows): the only forms of `~` that @actions/glob expands. */
function isHome(body: string, windows: boolean): boolean {
  return body === '~' || (windows ? /^~[\\/]/ : /^~\//).test(body)
}

/** Escapes a literal path for @actions/glob, as its own `Pattern.globEscape` does. */
function globEscape(s: string, windows: boolean): string {
  return (windows ? s : s.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]')
}

async function globLines(line: string, rooted: string[]): Promise<string[]> {
  let globber: glob.Globber
  try {
    globber = await glob.create(rooted.join('\n'), GLOB_OPTIONS)
  } catch (error) {
    throw invalidPattern(line, error)
  }
  try {
    return await globber.glob()
  } catch (error) {
    throw unlistable(line, error)
  }
}

/**
 * @actions/glob stops at the first directory it cannot list: the line's matches are unknown, so
 * the step stops too (cleaning part of what the line names would pass for all of it).
 */
function unlistable(line: string, error: unknown): Error {
  const code = errorCode(error)
  const dir = /'([^']+)'$/.exec(getErrorMessage(error))?.[1]
  if (code === undefined || dir === undefined)
    return error instanceof Error ? error : new Error(String(error))
  return new Error(
    `Input '${Inputs.Path}' has the line '${line}', and expanding it needs to list ${dir}, ` +
      `which failed: ${systemText(code, getErrorMessage(error))}. Give this step read access ` +
      `to it, or use a pattern that does not cross it (a '**' crosses every directory below).`,
    { cause: error }
  )
}

function invalidPattern(line: string, error: unknown): InputError {
  return new InputError(
    `Input '${Inputs.Path}' has the line '${line}', which is not a valid pattern: ` +
      `${getErrorMessage(error).replace(/^AssertionError[^:]*: /, '')} ` +
      `Expected a directory or glob, like '.', 'src' or '**/.tox'.`
  )
}

function fileSystemRoot(line: string, root: string): InputError {
  return new InputError(
    `Input '${Inputs.Path}' has the line '${line}', which resolves to the file system root ` +
      `'${root}'; refusing to clean it. Expected directories below it, like '.' or 'build/venv'.`
  )
}

/**
 * Checks the `path` lines as expandRoots does, without walking anything: for the main step of
 * `when: post`, so that a bad line fails that step, not the end of the job. Throws the same
 * InputError: a `~user` line, a pattern @actions/glob rejects, a line without wildcards that
 * names the file system root (itself or through a link). Lines that match nothing yet are
 * fine: the directories may be created later in the job.
 */
export async function checkPatterns(
  patterns: readonly string[],
  workspace: string,
  platform: NodeJS.Platform = process.platform
): Promise<void> {
  for (const line of patterns) {
    const rooted = rootPattern(line, workspace, platform)
    try {
      await glob.create(rooted, GLOB_OPTIONS)
    } catch (error) {
      throw invalidPattern(line, error)
    }
    const { body } = split(line)
    if (negates(line) || /[*?[\]{}]/.test(body)) continue
    const literal = isHome(body, platform === 'win32')
      ? path.join(os.homedir(), body.slice(1))
      : path.resolve(workspace, body)
    const real = await fs.realpath(literal).catch(() => literal)
    if (isFileSystemRoot(real, platform)) throw fileSystemRoot(line, real)
  }
}

/** The real path of a matched directory (or of a directory a matched symlink points to). */
async function resolveRoot(match: string, notes: string[]): Promise<string | undefined> {
  try {
    const stats = await fs.lstat(match)
    if (stats.isSymbolicLink()) {
      if (!(await fs.stat(match)).isDirectory()) {
        notes.push(`'${match}' is a symlink to something other than a directory; ignored.`)
        return undefined
      }
      const target = await fs.realpath(match)
      notes.push(`'${match}' is a symlink; cleaning its target '${target}'.`)
      return target
    }
    if (!stats.isDirectory()) {
      notes.push(`'${match}' is not a directory; ignored.`)
      return undefined
    }
    return await fs.realpath(match)
  } catch (error) {
    // Vanished since the glob matched it, or a dangling link.
    notes.push(
      `'${match}' could not be resolved (${errorCode(error) ?? getErrorMessage(error)}); ignored.`
    )
    return undefined
  }
}
