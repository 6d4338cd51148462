import { Minimatch, type MinimatchOptions } from 'minimatch'
import { InputError } from './errors.js'
import { Inputs } from './constants.js'

/**
 * Decides which directories below a root are never entered.
 *
 * Semantics follow .gitignore, since that is what users already know: a pattern without a slash
 * (`node_modules`, `*.egg-info`) matches a directory of that name at any depth; a pattern with a
 * slash (`docs/build`, `/vendor`, `**\/fixtures`) matches the path relative to the root.
 */
export interface ExcludeMatcher {
  /** The patterns as the user gave them (after trimming), for logs. */
  readonly patterns: readonly string[]
  /** True when the directory `name`, at `relPath` below the root (`/`-separated), is excluded. */
  matches(name: string, relPath: string): boolean
}

/**
 * Directories never entered below a root, whatever `exclude` says: version-control metadata and
 * JavaScript dependencies. `exclude` adds to them, as pyclean's `--ignore` adds to its defaults;
 * a root is never excluded, so to clean inside one of them name it in `path`.
 */
export const BUILT_IN_EXCLUDES: readonly string[] = ['.git', '.hg', '.svn', 'node_modules']

/** Characters that make a pattern more than a literal name for minimatch. */
const MAGIC = /[*?[\]{}()!+@\\]/

/**
 * Parses and validates `exclude` lines (blank lines and `#` comments are skipped). Throws an
 * `InputError` that names the input, the pattern and what is allowed.
 */
export function compileExcludes(
  lines: readonly string[],
  platform: NodeJS.Platform = process.platform
): ExcludeMatcher {
  const windows = platform === 'win32'
  const options: MinimatchOptions = {
    dot: true,
    nocase: windows || platform === 'darwin',
    // On Windows a backslash is a separator, not an escape (as in @actions/glob).
    windowsPathsNoEscape: windows,
    // '!' and '#' are rejected or skipped before minimatch sees a pattern; never let it treat
    // what is left as a negation or a comment.
    nonegate: true,
    nocomment: true,
    platform
  }
  const names = new Set<string>()
  const nameMatchers: Minimatch[] = []
  const pathMatchers: Minimatch[] = []
  const patterns: string[] = []

  for (const raw of lines) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    patterns.push(line)
    const { pattern, anchored } = normalize(line, windows)
    const mm = new Minimatch(pattern, options)
    if (mm.makeRe() === false) fail(line, 'it is not a valid glob pattern')
    if (!anchored && !pattern.includes('/')) {
      if (MAGIC.test(pattern)) nameMatchers.push(mm)
      else names.add(options.nocase ? pattern.toLowerCase() : pattern)
    } else {
      pathMatchers.push(mm)
    }
  }

  return {
    patterns,
    matches(name: string, relPath: string): boolean {
      if (names.size > 0 && names.has(options.nocase ? name.toLowerCase() : name)) return true
      for (const mm of nameMatchers) if (mm.match(name)) return true
      for (const mm of pathMatchers) if (mm.match(relPath)) return true
      return false
    }
  }
}

/** Brings a pattern to the relative, `/`-separated form that is matched, or throws. */
function normalize(line: string, windows: boolean): { pattern: string; anchored: boolean } {
  let pattern = windows ? line.replace(/\\/g, '/') : line
  if (windows && (/^[A-Za-z]:/.test(pattern) || pattern.startsWith('//'))) {
    fail(line, 'it is absolute; excludes are relative to each root')
  }
  // A leading `/` anchors the pattern to the root, as in .gitignore; so does a leading `./`.
  // A trailing `/` changes nothing: only directories are ever excluded.
  const anchored = pattern.startsWith('/') || pattern.startsWith('./')
  pattern = pattern.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '')
  // Checked after the prefix is stripped: '/!foo' is '!foo' too.
  if (pattern.startsWith('!')) {
    fail(line, "negation ('!') is not supported; list only the directories to skip")
  }
  if (!pattern || pattern === '.') fail(line, 'it names the root itself; excludes apply below it')
  if (pattern.split('/').some(segment => segment === '..' || segment === '.' || segment === '')) {
    fail(line, "'.', '..' and empty segments are not allowed; excludes apply below each root")
  }
  const unclosed = unbalanced(pattern, windows)
  if (unclosed) fail(line, `it has an unclosed '${unclosed}'`)
  return { pattern, anchored }
}

/**
 * The first `[` or `{` left open, if any. Inside a character class `[` and `{` are ordinary
 * (`[[]draft` is the usual way to write a literal `[`), and a `]` right after `[`, `[!` or `[^`
 * belongs to the class. Off Windows a backslash escapes the next character.
 */
function unbalanced(pattern: string, windows: boolean): string | undefined {
  let braces = 0
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\' && !windows) {
      i++
    } else if (c === '[') {
      let j = i + 1
      if (pattern[j] === '!' || pattern[j] === '^') j++
      if (pattern[j] === ']') j++
      while (j < pattern.length && pattern[j] !== ']') {
        if (pattern[j] === '\\' && !windows) j++
        j++
      }
      if (j >= pattern.length) return '['
      i = j
    } else if (c === '{') {
      braces++
    } else if (c === '}' && braces > 0) {
      braces--
    }
  }
  return braces > 0 ? '{' : undefined
}

function fail(line: string, why: string): never {
  throw new InputError(
    `Input '${Inputs.Exclude}' has the pattern '${line}', which cannot be used: ${why}. ` +
      `Expected a directory glob relative to each root, like 'node_modules', '.tox' or 'docs/build'.`
  )
}
