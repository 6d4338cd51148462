/**
 * Tool caches and build leftovers the `debris` input can remove besides bytecode: one topic per
 * tool. Each topic names directories removed whole and files removed on their own.
 */

/** What one topic removes below each root. */
interface TopicRule {
  /** Directory names removed whole, at any depth. */
  readonly dirs?: readonly string[]
  /** Directory names removed whole only directly under a root. */
  readonly topDirs?: readonly string[]
  /**
   * Directory name suffixes named in the log and the report as kept, not removed: a leftover
   * and live metadata look the same (`EGG_INFO_KEPT`).
   */
  readonly keptSuffixes?: readonly string[]
  /** File names removed, at any depth. */
  readonly files?: readonly string[]
  /** File name prefixes removed, at any depth. */
  readonly filePrefixes?: readonly string[]
}

const RULES = {
  pytest: { dirs: ['.pytest_cache'] },
  mypy: { dirs: ['.mypy_cache'], files: ['.dmypy.json'] },
  ruff: { dirs: ['.ruff_cache'] },
  hypothesis: { dirs: ['.hypothesis'] },
  jupyter: { dirs: ['.ipynb_checkpoints'] },
  coverage: { files: ['.coverage'], filePrefixes: ['.coverage.'] },
  tox: { dirs: ['.tox'] },
  nox: { dirs: ['.nox'] },
  // build/ and dist/ only directly under a root: deeper, a package named dist is code.
  package: { topDirs: ['build', 'dist'], keptSuffixes: ['.egg-info'] }
} as const satisfies Record<string, TopicRule>

export type Topic = keyof typeof RULES

/** Where installed distributions keep their metadata. */
const INSTALLED = new Set(['site-packages', 'dist-packages'])

/**
 * Why `debris: package` leaves `*.egg-info` directories: a legacy editable install
 * (`pip install -e` through `setup.py develop`) reads its metadata from the project's own
 * `NAME.egg-info`, through an `.egg-link` and `easy-install.pth` in a site-packages that may be
 * anywhere on the runner (the tool cache, outside every root). Removed, `importlib.metadata`
 * no longer finds the package. A leftover of `setup.py egg_info` looks the same, and only
 * Python knows which is which: so none is removed, and each is named.
 */
export const EGG_INFO_KEPT =
  'may be the metadata of a legacy editable install (pip install -e); remove it yourself if not'

/** Every topic, in the order the README lists them. */
export const TOPICS = Object.keys(RULES) as readonly Topic[]

/** The value of `debris` that selects every topic. */
export const ALL_TOPICS = 'all'

/** True when `name` is a topic. */
export function isTopic(name: string): name is Topic {
  return Object.hasOwn(RULES, name)
}

/** Decides which entries below a root are debris, for a set of topics. */
export interface DebrisMatcher {
  /** No topic selected: nothing is debris. */
  readonly none: boolean
  /** A directory removed whole; `underRoot` when it is directly under the root. */
  isDir(name: string, underRoot: boolean): boolean
  /** A file (or symlink) removed on its own. */
  isFile(name: string): boolean
  /** For a directory named like debris that is kept on purpose: why; else undefined. */
  keptDir(name: string, parent: string): string | undefined
  /**
   * Git pathspecs that cover everything these topics can remove (broader is harmless: they only
   * limit what `git ls-files` lists for the tracked-file guard).
   */
  readonly pathspecs: readonly string[]
}

export function debrisMatcher(topics: readonly Topic[]): DebrisMatcher {
  const dirs = new Set<string>()
  const topDirs = new Set<string>()
  const files = new Set<string>()
  const keptSuffixes: string[] = []
  const filePrefixes: string[] = []
  for (const topic of topics) {
    const rule: TopicRule = RULES[topic]
    for (const d of rule.dirs ?? []) dirs.add(d)
    for (const d of rule.topDirs ?? []) topDirs.add(d)
    for (const f of rule.files ?? []) files.add(f)
    keptSuffixes.push(...(rule.keptSuffixes ?? []))
    filePrefixes.push(...(rule.filePrefixes ?? []))
  }
  // Plain pathspecs (`*` matches `/` too), each as narrow as a name allows: git tests every
  // index entry against each one.
  const pathspecs = [
    ...[...dirs].map(d => `*${d}*`),
    ...[...topDirs].flatMap(d => [`${d}/*`, `*/${d}/*`, d, `*/${d}`]),
    ...[...files].map(f => `*${f}`),
    ...filePrefixes.map(p => `*${p}*`)
  ]
  return {
    none: topics.length === 0,
    pathspecs,
    isDir: (name, underRoot) => dirs.has(name) || (underRoot && topDirs.has(name)),
    isFile: name =>
      files.has(name) || filePrefixes.some(p => name.length > p.length && name.startsWith(p)),
    keptDir: (name, parent) =>
      !INSTALLED.has(parent) && keptSuffixes.some(s => name.length > s.length && name.endsWith(s))
        ? EGG_INFO_KEPT
        : undefined
  }
}
