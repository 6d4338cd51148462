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
  /** Directories removed whole at exactly this path below a root (`docs/_build`). */
  readonly atPaths?: readonly string[]
  /** Directory names removed whole only beside a file of the given name (`_build` by conf.py). */
  readonly besideFile?: readonly { readonly dir: string; readonly file: string }[]
  /**
   * Directory name suffixes named in the log and the report as kept, not removed: a leftover
   * and live metadata look the same (`EGG_INFO_KEPT`).
   */
  readonly keptSuffixes?: readonly string[]
  /** File names removed, at any depth. */
  readonly files?: readonly string[]
  /** File names removed only directly under a root: deeper, a file of that name can be data. */
  readonly topFiles?: readonly string[]
  /** File name prefixes removed, at any depth. */
  readonly filePrefixes?: readonly string[]
}

// Names as the tools write them by default (their sources are cited in docs/behaviour.md).
const RULES = {
  // pytest --debug writes pytestdebug.log into the directory it runs in.
  pytest: { dirs: ['.pytest_cache'], files: ['pytestdebug.log'] },
  mypy: { dirs: ['.mypy_cache'], files: ['.dmypy.json'] },
  ruff: { dirs: ['.ruff_cache'] },
  hypothesis: { dirs: ['.hypothesis'] },
  jupyter: { dirs: ['.ipynb_checkpoints'] },
  // Reports only directly under a root: deeper, coverage.json can be a project's own data.
  coverage: {
    files: ['.coverage'],
    filePrefixes: ['.coverage.'],
    topDirs: ['htmlcov'],
    topFiles: ['coverage.xml', 'coverage.json', 'coverage.lcov']
  },
  tox: { dirs: ['.tox'] },
  nox: { dirs: ['.nox'] },
  // build/ and dist/ only directly under a root: deeper, a package named dist is code. .eggs/
  // is where setuptools fetches setup_requires; pip 19.0-19.2 left pip-wheel-metadata/.
  package: {
    topDirs: ['build', 'dist', '.eggs', 'pip-wheel-metadata'],
    keptSuffixes: ['.egg-info']
  },
  // Next to .pyre_configuration, usually the root; the name is pyre's own at any depth.
  pyre: { dirs: ['.pyre'] },
  pytype: { dirs: ['.pytype'] },
  // sphinx-quickstart's default build directory, beside conf.py; docs/_build at a root is
  // where a Makefile beside docs/source/conf.py puts it too.
  sphinx: { atPaths: ['docs/_build'], besideFile: [{ dir: '_build', file: 'conf.py' }] }
} as const satisfies Record<string, TopicRule>

/**
 * Words a user of other cleaners may write that are no topic here, and why (the error says so).
 */
const NOT_TOPICS: Readonly<Record<string, string>> = {
  pyright: 'pyright keeps no cache in a project (its typings/ holds stubs you asked it to write)',
  pyinstaller: "PyInstaller's build/ and dist/ are removed by 'package'; its .spec file is source",
  cache:
    "a .cache directory holds other tools' data too (pip, uv, pre-commit); name the topics " +
    'of the Python tool caches instead'
}

/** Why `word` is not a topic, when it is a known tool or directory; undefined otherwise. */
export function notATopic(word: string): string | undefined {
  return Object.hasOwn(NOT_TOPICS, word) ? NOT_TOPICS[word] : undefined
}

export type Topic = keyof typeof RULES

/** Where installed distributions keep their metadata. */
const INSTALLED = new Set(['site-packages', 'dist-packages'])

/**
 * Whether a directory (its `/`-separated path below the root) is inside an installation: there a
 * `conf.py` is a module of some package, and the `_build` beside it that package's code.
 */
function installed(rel: string): boolean {
  return rel.split('/').some(part => INSTALLED.has(part))
}

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

/** Every topic, in the order action.yml and docs/behaviour.md list them. */
export const TOPICS = Object.keys(RULES) as readonly Topic[]

/** The value of `debris` that selects every topic. */
export const ALL_TOPICS = 'all'

/** The topics `selected` leaves out, in action.yml's order. */
export function unselectedTopics(selected: readonly Topic[]): Topic[] {
  return TOPICS.filter(t => !selected.includes(t))
}

/** True when `name` is a topic. */
export function isTopic(name: string): name is Topic {
  return Object.hasOwn(RULES, name)
}

/** Where an entry is: its directory's path below the root ('' for the root), and its files. */
export interface Place {
  readonly rel: string
  /** Whether the directory holds a file (or link) of this name. */
  hasFile(name: string): boolean
}

/** Decides which entries below a root are debris, for a set of topics. */
export interface DebrisMatcher {
  /** No topic selected: nothing is debris. */
  readonly none: boolean
  /** A directory removed whole: the topic it belongs to, or undefined. */
  dirTopic(name: string, place: Place): Topic | undefined
  /** A file (or symlink) removed on its own: the topic it belongs to, or undefined. */
  fileTopic(name: string, place: Place): Topic | undefined
  /** For a directory named like debris that is kept on purpose: why; else undefined. */
  keptDir(name: string, parent: string): string | undefined
  /**
   * Git pathspecs that cover everything these topics can remove (broader is harmless: they only
   * limit what `git ls-files` lists for the tracked-file guard).
   */
  readonly pathspecs: readonly string[]
}

export function debrisMatcher(topics: readonly Topic[]): DebrisMatcher {
  const dirs = new Map<string, Topic>()
  const topDirs = new Map<string, Topic>()
  const atPaths = new Map<string, Topic>()
  const besideFile: { dir: string; file: string; topic: Topic }[] = []
  const files = new Map<string, Topic>()
  const topFiles = new Map<string, Topic>()
  const filePrefixes: { prefix: string; topic: Topic }[] = []
  const keptSuffixes: string[] = []
  for (const topic of topics) {
    const rule: TopicRule = RULES[topic]
    for (const d of rule.dirs ?? []) dirs.set(d, topic)
    for (const d of rule.topDirs ?? []) topDirs.set(d, topic)
    for (const p of rule.atPaths ?? []) atPaths.set(p, topic)
    for (const b of rule.besideFile ?? []) besideFile.push({ ...b, topic })
    for (const f of rule.files ?? []) files.set(f, topic)
    for (const f of rule.topFiles ?? []) topFiles.set(f, topic)
    for (const prefix of rule.filePrefixes ?? []) filePrefixes.push({ prefix, topic })
    keptSuffixes.push(...(rule.keptSuffixes ?? []))
  }
  // Plain pathspecs (`*` matches `/` too), each as narrow as a name allows: git tests every
  // index entry against each one.
  const pathspecs = [
    ...[...dirs.keys()].map(d => `*${d}*`),
    ...[...topDirs.keys()].flatMap(d => [`${d}/*`, `*/${d}/*`, d, `*/${d}`]),
    ...[...atPaths.keys()].map(p => `*${p}*`),
    ...besideFile.map(b => `*${b.dir}*`),
    ...[...files.keys(), ...topFiles.keys()].map(f => `*${f}`),
    ...filePrefixes.map(p => `*${p.prefix}*`)
  ]
  const dirTopic = (name: string, place: Place): Topic | undefined =>
    dirs.get(name) ??
    (place.rel === '' ? topDirs.get(name) : undefined) ??
    (atPaths.size > 0
      ? atPaths.get(place.rel === '' ? name : `${place.rel}/${name}`)
      : undefined) ??
    (besideFile.length > 0 && !installed(place.rel)
      ? besideFile.find(b => b.dir === name && place.hasFile(b.file))?.topic
      : undefined)
  const fileTopic = (name: string, place: Place): Topic | undefined =>
    files.get(name) ??
    (place.rel === '' ? topFiles.get(name) : undefined) ??
    filePrefixes.find(p => name.length > p.prefix.length && name.startsWith(p.prefix))?.topic
  return {
    none: topics.length === 0,
    pathspecs,
    dirTopic,
    fileTopic,
    keptDir: (name, parent) =>
      !INSTALLED.has(parent) && keptSuffixes.some(s => name.length > s.length && name.endsWith(s))
        ? EGG_INFO_KEPT
        : undefined
  }
}
