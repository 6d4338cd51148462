import * as path from 'node:path'
import { Inputs, type InputName } from './constants.js'
import { ALL_TOPICS, isTopic, notATopic, TOPICS, type Topic } from './debris.js'
import { InputError } from './errors.js'
import { BUILT_IN_EXCLUDES, compileExcludes, type ExcludeMatcher } from './exclude.js'
import { pycachePrefix, type PycachePrefix } from './pycache-prefix.js'
import { negates } from './roots.js'

/** Everything one run needs, validated. Built only by `readSettings`. */
export interface Settings {
  /** `path` lines in order, comments and blank lines dropped; `!` lines drop matched roots. */
  readonly pathPatterns: readonly string[]
  /** Directory that relative `path` patterns resolve against (the workspace). */
  readonly workspace: string
  /** Directories below a root that are never entered: the built-in list and `exclude`. */
  readonly exclude: ExcludeMatcher
  /** Enter environments (a `pyvenv.cfg` or a `conda-meta/` inside) below a root. */
  readonly includeVenvs: boolean
  /** Tool caches and build leftovers to remove besides bytecode; empty for none. */
  readonly debris: readonly Topic[]
  /** Also remove directories below a root that this run empties (never one empty before). */
  readonly removeEmpty: boolean
  /** `all`: remove all bytecode; `stale`: only bytecode Python will never use. */
  readonly mode: Mode
  /** `python` lines: the interpreters that will use the tree (judged in `mode: stale`). */
  readonly python: readonly string[]
  /** PYTHONPYCACHEPREFIX in this step's environment, absolute; undefined when unset or empty. */
  readonly pycachePrefix: PycachePrefix | undefined
  /** When to clean: in the main step, in the post step at the end of the job, or both. */
  readonly when: When
  /** Export PYTHONDONTWRITEBYTECODE=1 to the steps that follow. */
  readonly prevent: boolean
  /** Keep every target git tracks (in the index of the work tree it lies in). */
  readonly keepTracked: boolean
  /** Keep a legacy `NAME.pyc` with no `NAME.py` beside it: Python imports it (`isSourceless`). */
  readonly keepSourceless: boolean
  /** Count what would be removed; delete nothing. */
  readonly dryRun: boolean
  /** Fail the step on any failure or `path` line that matched no directory. */
  readonly failOnError: boolean
  /** Write the job summary table. */
  readonly summary: boolean
}

export const MODES = ['all', 'stale'] as const
export type Mode = (typeof MODES)[number]

export const WHENS = ['now', 'post', 'both'] as const
export type When = (typeof WHENS)[number]

/** Reads one input by name, as `core.getInput` does (trimmed, '' when unset). */
export type InputReader = (name: InputName) => string

/**
 * Reads and validates every input. Throws `InputError` naming the input, the value and what is
 * allowed, before anything on disk is touched. Defaults live only in action.yml: an unset
 * boolean here is an error, not a silent `false`.
 */
export function readSettings(
  input: InputReader,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform
): Settings {
  const pathPatterns = lines(input(Inputs.Path))
  if (pathPatterns.length === 0) {
    throw new InputError(
      `Input '${Inputs.Path}' is '${input(Inputs.Path)}', which names no directory; ` +
        `expected one or more glob patterns, one per line (for example '.').`
    )
  }
  if (pathPatterns.every(negates)) {
    throw new InputError(
      `Input '${Inputs.Path}' has only '!' lines (${pathPatterns.join(', ')}); ` +
        `expected at least one pattern that selects a directory (for example '.').`
    )
  }
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  return {
    pathPatterns,
    workspace,
    exclude: compileExcludes([...BUILT_IN_EXCLUDES, ...lines(input(Inputs.Exclude))], platform),
    includeVenvs: readBoolean(input, Inputs.IncludeVenvs),
    debris: readDebris(input(Inputs.Debris)),
    removeEmpty: readBoolean(input, Inputs.RemoveEmpty),
    mode: readChoice(input, Inputs.Mode, MODES),
    python: lines(input(Inputs.Python)),
    pycachePrefix: pycachePrefix(env.PYTHONPYCACHEPREFIX, workspace, platform, env.SystemDrive),
    when: readChoice(input, Inputs.When, WHENS),
    prevent: readBoolean(input, Inputs.Prevent),
    keepTracked: readBoolean(input, Inputs.KeepTracked),
    keepSourceless: readBoolean(input, Inputs.KeepSourceless),
    dryRun: readBoolean(input, Inputs.DryRun),
    failOnError: readBoolean(input, Inputs.FailOnError),
    summary: readBoolean(input, Inputs.Summary)
  }
}

/** Non-empty, non-comment lines, trimmed (the rules @actions/glob applies to `path`). */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n|\r/)
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))
}

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/** The YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts. */
function readBoolean(input: InputReader, name: InputName): boolean {
  const value = input(name)
  if (TRUE.includes(value)) return true
  if (FALSE.includes(value)) return false
  throw new InputError(`Input '${name}' is '${value}'; expected one of: true, false.`)
}

/** One of a fixed list of words, exactly as spelled there. */
function readChoice<T extends string>(
  input: InputReader,
  name: InputName,
  allowed: readonly T[]
): T {
  const value = input(name)
  const found = allowed.find(a => a === value)
  if (found !== undefined) return found
  throw new InputError(`Input '${name}' is '${value}'; expected one of: ${allowed.join(', ')}.`)
}

/**
 * `debris`: topics separated by spaces, commas or newlines, or `all`; empty for none. Returned
 * in action.yml's order, each once.
 */
export function readDebris(value: string): Topic[] {
  const words = value.split(/[\s,]+/).filter(w => w !== '')
  const unknown = words.filter(w => w !== ALL_TOPICS && !isTopic(w))
  const explained = unknown.find(w => notATopic(w) !== undefined)
  if (explained !== undefined) {
    const others = unknown.filter(w => w !== explained)
    throw new InputError(
      `Input '${Inputs.Debris}' has '${explained}', which is not a topic: ` +
        `${notATopic(explained)}.` +
        (others.length > 0 ? ` Not topics either: ${others.map(w => `'${w}'`).join(', ')}.` : '') +
        ` Expected any of: ${TOPICS.join(', ')}, or ${ALL_TOPICS}.`
    )
  }
  if (unknown.length > 0) {
    throw new InputError(
      `Input '${Inputs.Debris}' has ${unknown.map(w => `'${w}'`).join(', ')}, ` +
        `which ${unknown.length === 1 ? 'is not a topic' : 'are not topics'}; ` +
        `expected any of: ${TOPICS.join(', ')}, or ${ALL_TOPICS} (separated by spaces, ` +
        `commas or newlines), or nothing.`
    )
  }
  if (words.includes(ALL_TOPICS)) return [...TOPICS]
  return TOPICS.filter(t => words.includes(t))
}
