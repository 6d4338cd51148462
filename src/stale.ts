import * as fs from 'node:fs'
import * as path from 'node:path'
import { vanished } from './failure.js'
import { headerJudgement, type HeaderFault } from './header.js'
import type { Interpreter } from './interpreters.js'
import { bytecodeKind, cachedName, sourceFiles } from './names.js'
import { mirroredSourceDirs, type PycachePrefix } from './pycache-prefix.js'

/**
 * `mode: stale`: is this bytecode file one Python will never use again, and why. The walk asks,
 * directory by directory (`judgeIn`); the names are `names.ts`'s, the headers `header.ts`'s.
 */

/** Why `mode: stale` judged a file stale: counted per root in the log, given per file in the report. */
export type StaleReason =
  | HeaderFault
  | 'other interpreter'
  | 'name never read'
  | 'legacy beside its source'
  | 'orphan'
  | 'interrupted write'

/** What is known of the interpreters that will use the tree. */
export interface StaleRules {
  /** The `python` input's interpreters; empty when it is not given. */
  readonly interpreters: readonly Interpreter[]
  /** PYTHONPYCACHEPREFIX in the step's environment; undefined when unset. */
  readonly prefix: PycachePrefix | undefined
}

export const NO_RULES: StaleRules = { interpreters: [], prefix: undefined }

/** What the walk knows of the directory a bytecode file is in. */
export interface Where {
  readonly dir: string
  readonly inPycache: boolean
  /** In a `__pycache__`: the sources beside it; undefined when they could not be listed. */
  readonly sources: ReadonlyMap<string, string> | undefined
  /** Inside a virtual environment: the cache tag its `pyvenv.cfg` names. */
  readonly envTag: string | undefined
}

/** Why the bytecode file `name` (a link when `isLink`) is stale; undefined when it may be used. */
export type Judge = (name: string, isLink: boolean) => StaleReason | undefined

/** Sources of one directory, as a cached file there is judged against. */
interface SourceDir {
  readonly dir: string
  readonly sources: ReadonlyMap<string, string> | undefined
}

/**
 * The judge of the bytecode files in one directory:
 * - in a `__pycache__`, a cached file against the source beside it (`cachedFile`);
 * - in the PYTHONPYCACHEPREFIX tree, a tagged name against the source at the mirrored path;
 * - elsewhere a tagged name `NAME.TAG.pyc` is an orphan (Python 3 reads a `.pyc` outside
 *   `__pycache__` only as `NAME.pyc`), and an untagged one is a legacy file beside its source
 *   (the walk keeps it when it is a sourceless module);
 * - a temporary file of an interrupted write in a `__pycache__` is stale by its name (one in the
 *   prefix tree stays: `mode: all`, which knows no prefix, keeps it too, and stale removes no
 *   more than all).
 */
export function judgeIn(rules: StaleRules, where: Where): Judge {
  let mirrored: SourceDir[] | undefined | null = null
  const mirror = (): SourceDir[] | undefined =>
    mirrored === null
      ? (mirrored = rules.prefix && mirroredSources(rules.prefix, where.dir))
      : mirrored
  return (name, isLink) => {
    const kind = bytecodeKind(name, where.inPycache)
    if (kind === undefined) return undefined
    if (kind === 'cached') {
      return cachedFile(rules, where, name, isLink, [
        { dir: path.dirname(where.dir), sources: where.sources }
      ])
    }
    if (kind !== 'legacy beside its source' || cachedName(name) === undefined) return kind
    const sources = mirror()
    return sources === undefined ? 'orphan' : cachedFile(rules, where, name, isLink, sources)
  }
}

/**
 * A cached file (`name` in `where.dir`) against its source in one of `candidates` (more than one
 * only for a prefix tree on Windows): it stays when any of them would have it read.
 * - A name the import system (or pytest) never reads: `name never read`; so is the cache of a
 *   dotted source name (`CachedName.dotted`) with no such source beside it.
 * - With `python`, a tag none of its interpreters has: `other interpreter`; one whose magic
 *   number differs from theirs: `bad magic`. Without, in a virtual environment, another CPython
 *   tag than its interpreter's: `other interpreter`.
 * - Then the header against the source (`headerJudgement`); a link is not followed to read it.
 */
function cachedFile(
  rules: StaleRules,
  where: Where,
  name: string,
  isLink: boolean,
  candidates: readonly SourceDir[]
): StaleReason | undefined {
  const cached = cachedName(name)
  if (cached === undefined) return 'name never read'
  const { stem, tag } = cached
  if (cached.dotted && candidates.every(c => c.sources !== undefined && !c.sources.has(stem))) {
    return 'name never read'
  }
  let magics: Set<string> | undefined
  if (rules.interpreters.length > 0) {
    magics = new Set(rules.interpreters.filter(i => i.tag === tag).map(i => i.magic))
    if (magics.size === 0) return 'other interpreter'
  } else if (where.envTag !== undefined && tag.startsWith('cpython-') && tag !== where.envTag) {
    return 'other interpreter'
  }
  let fault: StaleReason | undefined
  for (const { dir, sources } of candidates) {
    // Sources that could not be listed (the parent of a root): keep what may be in use.
    if (sources === undefined) return undefined
    const source = sources.get(stem)
    if (source === undefined) continue
    if (isLink) return undefined
    const judged = headerJudgement(where.dir + path.sep + name, dir + path.sep + source, {
      magics,
      timestampOnly: cached.pytest
    })
    if (judged === 'current' || judged === 'unknown') return undefined
    fault ??= judged
  }
  return fault ?? 'source gone'
}

/**
 * The source directories a prefix-tree directory mirrors, each with its sources; undefined when
 * `dir` is outside the prefix tree. A directory that cannot be listed has sources `undefined`
 * (its bytecode is kept), one that does not exist has none.
 */
function mirroredSources(prefix: PycachePrefix, dir: string): SourceDir[] | undefined {
  return mirroredSourceDirs(prefix, dir)?.map(d => ({ dir: d, sources: listSources(d) }))
}

function listSources(dir: string): ReadonlyMap<string, string> | undefined {
  try {
    // The import system reaches a source through links: a listing through them too.
    const listing = fs.readdirSync(dir, { withFileTypes: true })
    return sourceFiles(listing.filter(e => !e.isDirectory()).map(e => e.name))
  } catch (error) {
    return vanished(error) ? new Map() : undefined
  }
}
