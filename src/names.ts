/**
 * What a name is, for the walk: bytecode, a cache directory, a cached file and the source it
 * belongs to, a pytest cache, a temporary file of an interrupted write, a source. Pure functions
 * of names (PEP 3147, PEP 488, importlib.util.source_from_cache, pytest's rewrite caches).
 */

export const PYCACHE = '__pycache__'

/** True for a bytecode file name: `*.pyc` or `*.pyo`, any interpreter tag or opt level. */
export function isBytecodeName(name: string): boolean {
  return name.endsWith('.pyc') || name.endsWith('.pyo')
}

/**
 * The sources in one directory's listing: module name → file name. `.pyw` counts too (a source
 * on Windows; elsewhere keeping its bytecode is only cautious); `.py` wins when both exist.
 */
export function sourceFiles(names: Iterable<string>): Map<string, string> {
  const sources = new Map<string, string>()
  for (const name of names) {
    const suffix = name.endsWith('.py') ? 3 : name.endsWith('.pyw') ? 4 : 0
    if (suffix === 0 || name.length === suffix) continue
    const stem = name.slice(0, -suffix)
    if (suffix === 3 || !sources.has(stem)) sources.set(stem, name)
  }
  return sources
}

/**
 * The source module name of `__pycache__/NAME.TAG.pyc` or `NAME.TAG.opt-N.pyc`, or undefined for
 * a name the import system never reads there (a `.pyo`, a wrong number of dots, a bad
 * optimization part): the rules of `importlib.util.source_from_cache`.
 */
export function cachedSourceStem(name: string): string | undefined {
  if (!name.endsWith('.pyc')) return undefined
  const parts = name.split('.')
  if (parts.length === 3 && parts[0] !== '' && parts[1] !== '') return parts[0]
  if (
    parts.length === 4 &&
    parts[0] !== '' &&
    parts[1] !== '' &&
    /^opt-[A-Za-z0-9]+$/.test(parts[2])
  )
    return parts[0]
  return undefined
}

/**
 * The source module name of a pytest assertion-rewrite cache, `__pycache__/NAME.TAG-pytest-
 * VERSION.pyc` (`.pyo` when Python runs with -O), or undefined for any other name. importlib
 * never reads these (the dots are wrong for it), but pytest reads them itself, checking the same
 * 16-byte header against `NAME.py` (`_pytest.assertion.rewrite._read_pyc`): so they are judged
 * like any cached file, and a current one stays.
 */
export function pytestSourceStem(name: string): string | undefined {
  const m = /^(.+)\.([^.]+)-pytest-([^-]+)\.py[co]$/.exec(name)
  return m === null ? undefined : m[1]
}

/**
 * A temporary file the import system writes before renaming it into place
 * (`NAME.TAG.pyc.<digits>`, `importlib._bootstrap_external._write_atomic`), left behind when the
 * write was interrupted.
 */
export function isBytecodeTemp(name: string): boolean {
  return /\.py[co]\.\d+$/.test(name)
}

/**
 * The interpreter tag of a cached name (`m.cpython-312.pyc`, `m.cpython-312.opt-1.pyc`, a pytest
 * cache `m.cpython-312-pytest-8.3.4.pyc`), or undefined for any other name.
 */
export function cacheTag(name: string): string | undefined {
  const pytest = /^.+\.([^.]+)-pytest-[^-]+\.py[co]$/.exec(name)
  if (pytest !== null) return pytest[1]
  return cachedSourceStem(name) === undefined ? undefined : name.split('.')[1]
}

/** What a cached file's name says: its source's module stem, its tag, and who reads it. */
export interface CachedName {
  readonly stem: string
  readonly tag: string
  /** A pytest assertion-rewrite cache (`pytestSourceStem`), read by pytest, not importlib. */
  readonly pytest: boolean
  /**
   * The cache of a source whose name has dots (`gunicorn.conf.py` →
   * `gunicorn.conf.cpython-312.pyc`, as `cache_from_source` names it): `source_from_cache`
   * rejects such a name, so no import by module name reads it, but a loader given the source's
   * path does. It is read only while that source is there.
   */
  readonly dotted: boolean
}

/** `CachedName` of a bytecode name, or undefined for a name no reader has a source for. */
export function cachedName(name: string): CachedName | undefined {
  const pytest = pytestSourceStem(name)
  if (pytest !== undefined)
    return { stem: pytest, tag: cacheTag(name)!, pytest: true, dotted: false }
  const stem = cachedSourceStem(name)
  if (stem !== undefined) return { stem, tag: name.split('.')[1], pytest: false, dotted: false }
  if (!name.endsWith('.pyc')) return undefined
  const parts = name.slice(0, -'.pyc'.length).split('.')
  const opt = parts.length >= 4 && /^opt-[A-Za-z0-9]+$/.test(parts[parts.length - 1])
  const at = parts.length - (opt ? 2 : 1)
  if (at < 2 || parts.slice(0, at + 1).includes('')) return undefined
  return { stem: parts.slice(0, at).join('.'), tag: parts[at], pytest: false, dotted: true }
}

/**
 * What kind of bytecode a file name is, in a `__pycache__` or beside the sources; undefined for
 * no bytecode. `cached` is judged by its header against its source in `mode: stale`; the other
 * two are stale by their name alone: a temporary file of an interrupted write, and a legacy
 * `NAME.pyc`/`NAME.pyo` beside the sources (with `NAME.py` there Python 3 never reads it; without,
 * it is a sourceless module, which `keep-sourceless` keeps).
 */
export function bytecodeKind(
  name: string,
  inPycache: boolean
): 'cached' | 'interrupted write' | 'legacy beside its source' | undefined {
  if (inPycache && isBytecodeTemp(name)) return 'interrupted write'
  if (!isBytecodeName(name)) return undefined
  return inPycache ? 'cached' : 'legacy beside its source'
}
