/**
 * Fuzz-style property test (issue 3): random trees of bytecode, look-alikes, excluded directories,
 * virtual environments and symlinks (to files and directories inside and outside the root,
 * dangling, loops), cleaned for real and in a dry run, and checked against a small reference
 * model of issue 2's "What is removed, exactly". Any difference fails with the seed.
 *
 * Replay one tree: PYCLEAN_SEED=<seed> npm test -- __tests__/property.test.ts
 * (a comma-separated list works too). Fuzz longer: PYCLEAN_RUNS=500 runs that many extra seeds.
 *
 * The model below is written from the spec, over the in-memory description of the tree, and
 * shares no code with src/scan.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { mulberry32 } from '../__fixtures__/random.js'
import { listTree, removeTree, tempDir } from '../__fixtures__/tree.js'
import { compileExcludes } from '../src/exclude.js'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'

// ---------------------------------------------------------------------------------------------
// Seeds

/** Fixed seeds (always run, so CI is reproducible) plus a few new ones per run (to explore). */
function seeds(): number[] {
  const fromEnv = process.env.PYCLEAN_SEED?.trim()
  if (fromEnv) return fromEnv.split(',').map(s => Number(s.trim()) >>> 0)
  const fixed = Array.from({ length: 30 }, (_, i) => i + 1)
  const extra = Math.max(2, Number(process.env.PYCLEAN_RUNS ?? 0) || 0)
  const now = Date.now()
  const fresh = Array.from({ length: extra }, (_, i) => (now + i * 0x9e3779b9) >>> 0)
  return [...fixed, ...fresh]
}

class Random {
  private readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }
  /** One key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[]
    let r = this.next() * keys.reduce((sum, k) => sum + weights[k], 0)
    for (const k of keys) {
      r -= weights[k]
      if (r < 0) return k
    }
    return keys[keys.length - 1]
  }
}

// ---------------------------------------------------------------------------------------------
// Trees as data

type Entry = File | Link | Dir
interface File {
  readonly kind: 'file'
  readonly content: string
}
interface Link {
  readonly kind: 'link'
  /** Written as given, except with `inRoot`: then it is the root's absolute path joined with it. */
  readonly target: string
  readonly inRoot?: boolean
}
interface Dir {
  readonly kind: 'dir'
  readonly children: Map<string, Entry>
}

/** What symlinks may point at outside the root; never changed by a run. */
const OUTSIDE: Record<string, string | null> = {
  'a.pyc': 'outside bytecode',
  'b.cpython-312.pyc': 'outside bytecode 2',
  '__pycache__/c.cpython-312.pyc': 'outside cache',
  'pkg/__pycache__/d.cpython-312.pyc': 'outside pkg cache',
  'pkg/m.py': 'print()',
  'pkg/e.pyo': 'outside pyo',
  'dir.pyc/f.pyc': 'in a dir named like bytecode',
  'venv/pyvenv.cfg': 'home = /usr/bin',
  'venv/lib/__pycache__/g.pyc': 'venv cache',
  empty: null
}

const STEMS = ['x', 'y', 'mod', 'é', 'sp ace', 'new\nline', '日本', '_init']
const BYTECODE_SUFFIXES = [
  '.pyc',
  '.cpython-312.pyc',
  '.opt-1.pyc',
  '.pyo',
  '.cpython-311.opt-2.pyc'
]
const OTHER_NAMES = [
  'a.py',
  'b.pyc.bak',
  'c.so',
  'd.pyd',
  'e.pyo~',
  'f.txt',
  'pyc',
  'g.cpython-312-x86_64-linux-gnu.so',
  'h.pyc ',
  'README',
  // Sources of the bytecode stems: a legacy NAME.pyc beside one goes, without one it stays.
  'x.py',
  'mod.py',
  'y.pyw',
  '_init.py'
]
const EXCLUDED = ['node_modules', '.git', '.hg', '.svn']
const LOOKALIKE_DIRS = ['x.pyc', 'w.pyo', 'mod.cpython-312.pyc']
const PLAIN_DIRS = ['pkg', 'src', 'lib', 'venv', 'tests', 'sub dir', 'ü']
const VENV_DIRS = ['.venv', 'venv', 'env', '.tox', 'py312']
const PLAIN_LINKS = ['link', 'lib64', 'current', 'up']

/**
 * Grows a random tree: starting from the root, it adds one entry at a time to a directory picked
 * at random among those made so far, until the tree holds a few hundred entries. Directories go
 * no deeper than 5 below the root.
 *
 * One tree in seven is `pure`: only bytecode, bytecode-named links and `__pycache__` directories
 * (nested ones too), so everything goes but the root, whatever its name.
 */
class Generator {
  private readonly dirs: { readonly dir: Dir; readonly depth: number }[] = []
  private entries = 0
  readonly pure: boolean

  constructor(
    private readonly rnd: Random,
    private readonly outside: string
  ) {
    this.pure = rnd.chance(1 / 7)
  }

  tree(): Dir {
    const root = this.dir(0)
    // A root that is itself a virtual environment is still cleaned.
    if (!this.pure && this.rnd.chance(0.15)) this.add(root, 'pyvenv.cfg', () => this.file())
    const size = this.pure ? this.rnd.int(20, 80) : this.rnd.int(150, 400)
    for (let tries = 0; this.entries < size && tries < size * 20; tries++) {
      const { dir, depth } = this.rnd.pick(this.dirs)
      this.grow(dir, depth)
    }
    return root
  }

  private dir(depth: number): Dir {
    const dir: Dir = { kind: 'dir', children: new Map() }
    this.dirs.push({ dir, depth })
    return dir
  }

  private add(parent: Dir, name: string, make: () => Entry): void {
    if (parent.children.has(name)) return
    this.entries++
    parent.children.set(name, make())
  }

  private file(): File {
    return { kind: 'file', content: 'b'.repeat(this.rnd.int(0, 40)) }
  }

  private bytecodeName(): string {
    return this.rnd.pick(STEMS) + this.rnd.pick(BYTECODE_SUFFIXES)
  }

  private link(): Link {
    const kind = this.rnd.weighted({ outside: 4, relative: 3, inRoot: 2, dangling: 1 })
    if (kind === 'outside') {
      const target = this.rnd.pick(['', 'a.pyc', '__pycache__', 'pkg', 'pkg/__pycache__', 'venv'])
      return { kind: 'link', target: path.join(this.outside, target) }
    }
    if (kind === 'inRoot') {
      return { kind: 'link', target: this.rnd.pick(['', 'pkg', '__pycache__']), inRoot: true }
    }
    if (kind === 'dangling') {
      return { kind: 'link', target: this.rnd.pick(['missing.pyc', 'nowhere/__pycache__']) }
    }
    // Loops (`.`, `..`) and siblings that may or may not exist.
    const target = this.rnd.pick(['.', '..', '../..', '__pycache__', 'pkg', 'x.pyc', 'a.py'])
    return { kind: 'link', target }
  }

  private linkName(): string {
    const kind = this.rnd.weighted({ bytecode: 4, pycache: 2, plain: 3 })
    if (kind === 'bytecode') return this.bytecodeName()
    if (kind === 'pycache') return '__pycache__'
    return this.rnd.pick(PLAIN_LINKS)
  }

  /** Adds one random entry (a directory comes with its marker or bytecode) to `parent`. */
  private grow(parent: Dir, depth: number): void {
    const deeper = depth < 5
    if (this.pure) {
      const kind = this.rnd.weighted({ bytecode: 10, pycache: deeper ? 5 : 0, link: 3 })
      if (kind === 'bytecode') this.add(parent, this.bytecodeName(), () => this.file())
      else if (kind === 'link') this.add(parent, this.bytecodeName(), () => this.link())
      else this.add(parent, '__pycache__', () => this.pycache(depth + 1))
      return
    }
    const kind = this.rnd.weighted({
      bytecode: 25,
      other: 15,
      pycache: deeper ? 14 : 0,
      plain: deeper ? 8 : 0,
      lookalike: deeper ? 3 : 0,
      pycacheFile: 2,
      excluded: deeper ? 2 : 0,
      venv: deeper ? 2 : 0,
      conda: deeper ? 1 : 0,
      venvMarkerDir: deeper ? 1 : 0,
      link: 18
    })
    switch (kind) {
      case 'bytecode':
        return this.add(parent, this.bytecodeName(), () => this.file())
      case 'other':
        return this.add(parent, this.rnd.pick(OTHER_NAMES), () => this.file())
      case 'pycache':
        return this.add(parent, '__pycache__', () => this.pycache(depth + 1))
      case 'plain':
        return this.add(parent, this.rnd.pick(PLAIN_DIRS), () => this.dir(depth + 1))
      case 'lookalike':
        return this.add(parent, this.rnd.pick(LOOKALIKE_DIRS), () => this.dir(depth + 1))
      case 'pycacheFile':
        return this.add(parent, '__pycache__', () => this.file())
      case 'excluded':
        return this.add(parent, this.rnd.pick(EXCLUDED), () => this.dir(depth + 1))
      case 'venv':
        return this.add(parent, this.rnd.pick(VENV_DIRS), () => {
          const venv = this.dir(depth + 1)
          // The marker is usually a file; a symlink named pyvenv.cfg counts too.
          const cfg = path.join(this.outside, 'venv', 'pyvenv.cfg')
          const marker: Entry = this.rnd.chance(0.8) ? this.file() : { kind: 'link', target: cfg }
          this.add(venv, 'pyvenv.cfg', () => marker)
          return venv
        })
      case 'conda':
        // A conda, mamba or pixi environment: a conda-meta directory (as a file it is nothing).
        return this.add(parent, this.rnd.pick(VENV_DIRS), () => {
          const env = this.dir(depth + 1)
          const meta = this.rnd.chance(0.8) ? this.dir(depth + 2) : this.file()
          this.add(env, 'conda-meta', () => meta)
          return env
        })
      case 'venvMarkerDir':
        // A *directory* named pyvenv.cfg does not make its parent a virtual environment.
        return this.add(parent, 'pyvenv.cfg', () => ({ kind: 'dir', children: new Map() }))
      case 'link':
        return this.add(parent, this.linkName(), () => this.link())
    }
  }

  /** A `__pycache__`: mostly bytecode, sometimes empty, sometimes holding something else. */
  private pycache(depth: number): Dir {
    const cache: Dir = { kind: 'dir', children: new Map() }
    const count = this.rnd.chance(0.1) ? 0 : this.rnd.int(1, 6)
    for (let i = 0; i < count; i++) {
      const kind = this.pure
        ? this.rnd.weighted({ bytecode: 20, link: 3, nested: 2, temp: 1 })
        : this.rnd.weighted({ bytecode: 20, link: 3, other: 2, subdir: 1, nested: 1, temp: 1 })
      if (kind === 'bytecode') this.add(cache, this.bytecodeName(), () => this.file())
      else if (kind === 'temp')
        // What an interrupted write leaves: NAME.TAG.pyc.<digits>.
        this.add(cache, `${this.bytecodeName()}.${this.rnd.int(1, 1e12)}`, () => this.file())
      else if (kind === 'link') this.add(cache, this.bytecodeName(), () => this.link())
      else if (kind === 'other') this.add(cache, this.rnd.pick(OTHER_NAMES), () => this.file())
      else if (depth < 5 && kind === 'subdir') this.add(cache, 'sub', () => this.dir(depth + 1))
      else if (depth < 5) this.add(cache, '__pycache__', () => this.pycache(depth + 1))
    }
    return cache
  }
}

function linkTarget(link: Link, root: string): string {
  return link.inRoot ? path.join(root, link.target) : link.target
}

async function write(dir: string, tree: Dir, root: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true })
  await Promise.all(
    [...tree.children].map(async ([name, entry]) => {
      const p = path.join(dir, name)
      if (entry.kind === 'dir') await write(p, entry, root)
      else if (entry.kind === 'file') await fs.writeFile(p, entry.content)
      else await fs.symlink(linkTarget(entry, root), p)
    })
  )
}

// ---------------------------------------------------------------------------------------------
// The reference model

interface Model {
  /** Removed paths relative to the root, in `listTree` notation (`dir/`, `link@`, `file`). */
  readonly removed: string[]
  readonly files: number
  readonly dirs: number
  readonly bytes: number
  /** `__pycache__` directories entered but kept (relative paths). */
  readonly kept: string[]
  /** Virtual environments below the root, not entered. */
  readonly venvs: string[]
  /** Excluded directories, not entered. */
  readonly excluded: string[]
  /** Sourceless modules kept (relative paths). */
  readonly sourceless: string[]
}

const EXCLUDED_NAMES = new Set(EXCLUDED)
const isBytecode = (name: string): boolean => /\.py[co]$/.test(name)
/** A temporary file of an interrupted bytecode write (removed inside a `__pycache__`). */
const isTemp = (name: string): boolean => /\.py[co]\.[0-9]+$/.test(name)

/**
 * Issue 2, "What is removed, exactly", with `exclude` at its default and `include-venvs: false`:
 * - a file or symlink named `*.pyc`/`*.pyo` in an entered directory is removed;
 * - a symlink named `__pycache__` is removed (as a link);
 * - in a `__pycache__` (the root too), a temporary file of an interrupted write
 *   (`NAME.pyc.<digits>`) is removed;
 * - a real `__pycache__` below the root goes iff everything in it goes: bytecode files and
 *   links, and nested `__pycache__` directories that go themselves (so a nested pair is cleaned
 *   in one run, and a second run finds nothing); any other entry or directory keeps it (with
 *   remove-empty, a directory that goes itself does not);
 * - remove-empty (issue 16, every other seed): an entered directory below the root that held
 *   something goes iff everything in it goes;
 * - not entered: excluded names, directories holding a `pyvenv.cfg` file or link or a
 *   `conda-meta` directory (the root excepted), and anything behind a symlink (links are leaves
 *   here, by construction);
 * - kept (issue 12, `keep-sourceless` at its default): outside a `__pycache__`, a `NAME.pyc`
 *   file or link (NAME without a dot) with no `NAME.py` (on Windows, or `NAME.pyw`) beside it.
 */
function model(tree: Dir, root: string, removeEmpty: boolean): Model {
  const out = { removed: [] as string[], files: 0, dirs: 0, bytes: 0 }
  const kept: string[] = []
  const venvs: string[] = []
  const excluded: string[] = []
  const sourceless: string[] = []

  /** Walks an entered directory; true when the directory itself goes. */
  const enter = (dir: Dir, rel: string): boolean => {
    const marker = dir.children.get('pyvenv.cfg')
    const conda = dir.children.get('conda-meta')
    const environment =
      (marker !== undefined && marker.kind !== 'dir') ||
      (conda !== undefined && conda.kind === 'dir')
    if (rel !== '' && environment) {
      venvs.push(rel)
      return false
    }
    let everythingGoes = true
    const inPycache = path.posix.basename(rel === '' ? path.basename(root) : rel) === '__pycache__'
    for (const [name, entry] of dir.children) {
      const r = rel === '' ? name : `${rel}/${name}`
      if (entry.kind === 'dir') {
        if (EXCLUDED_NAMES.has(name)) {
          excluded.push(r)
          everythingGoes = false
        } else if (!enter(entry, r)) {
          everythingGoes = false
        }
      } else if (!inPycache && isSourcelessIn(dir, name)) {
        sourceless.push(r)
        everythingGoes = false
      } else if (
        isBytecode(name) ||
        (entry.kind === 'link' && name === '__pycache__') ||
        (inPycache && isTemp(name))
      ) {
        out.removed.push(entry.kind === 'link' ? `${r}@` : r)
        out.files++
        out.bytes += Buffer.byteLength(
          entry.kind === 'link' ? linkTarget(entry, root) : entry.content
        )
      } else {
        everythingGoes = false
      }
    }
    if (rel === '') return false
    if (path.posix.basename(rel) !== '__pycache__') {
      // remove-empty (issue 16): an ordinary directory goes once the run emptied it; never one
      // that was empty before.
      if (!removeEmpty || dir.children.size === 0 || !everythingGoes) return false
      out.removed.push(`${rel}/`)
      out.dirs++
      return true
    }
    if (!everythingGoes) {
      kept.push(rel)
      return false
    }
    out.removed.push(`${rel}/`)
    out.dirs++
    return true
  }
  enter(tree, '')
  return { ...out, kept, venvs, excluded, sourceless }
}

/** A `NAME.pyc` whose directory has no `NAME.py` (or, on Windows, `NAME.pyw`) file or link. */
function isSourcelessIn(dir: Dir, name: string): boolean {
  if (!name.endsWith('.pyc') || name === '.pyc') return false
  const stem = name.slice(0, -'.pyc'.length)
  // A tagged name (x.cpython-312.pyc) is no module name: not a sourceless module.
  if (stem.includes('.')) return false
  const source = (n: string): boolean => {
    const e = dir.children.get(n)
    return e !== undefined && e.kind !== 'dir'
  }
  return !source(`${stem}.py`) && (process.platform !== 'win32' || !source(`${stem}.pyw`))
}

// ---------------------------------------------------------------------------------------------
// Running the action's core on a tree

async function clean(
  root: string,
  dryRun: boolean,
  removeEmpty: boolean
): Promise<{ result: ListedResult }> {
  return {
    result: await cleanListing(root, { exclude: compileExcludes(EXCLUDED), dryRun, removeEmpty })
  }
}

function rel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/')
}

const sorted = (items: Iterable<string>): string[] => [...items].sort()

/** Every entry below `dir` with its content (files) or target (links). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await listTree(dir)) {
    const p = path.join(dir, entry.replace(/[/@]$/, ''))
    if (entry.endsWith('/')) out[entry] = ''
    else if (entry.endsWith('@')) out[entry] = `-> ${await fs.readlink(p)}`
    else out[entry] = await fs.readFile(p, 'utf8')
  }
  return out
}

/** Runs `check`, prefixing any failure with the seed and how to replay it. */
async function withSeed(seed: number, check: () => Promise<void>): Promise<void> {
  try {
    await check()
  } catch (error) {
    const replay = `seed ${seed}: replay with PYCLEAN_SEED=${seed} npm test -- __tests__/property.test.ts`
    if (error instanceof Error) {
      error.message = `${replay}\n\n${error.message}`
      throw error
    }
    throw new Error(`${replay}\n\n${String(error)}`, { cause: error })
  }
}

let work: string
let outside: string
let outsideBefore: Record<string, string>

beforeAll(async () => {
  work = await tempDir('pyclean-property-')
  outside = path.join(work, 'outside')
  for (const [name, content] of Object.entries(OUTSIDE)) {
    const p = path.join(outside, ...name.split('/'))
    if (content === null) {
      await fs.mkdir(p, { recursive: true })
    } else {
      await fs.mkdir(path.dirname(p), { recursive: true })
      await fs.writeFile(p, content)
    }
  }
  outsideBefore = await snapshot(outside)
})

afterAll(async () => {
  await removeTree(work)
})

interface Case {
  readonly tree: Dir
  readonly rootName: string
  /** The root cleaned for real, and an identical copy for the dry run. */
  readonly real: string
  readonly dry: string
}

/**
 * Builds the tree of `seed` twice, under parents of equal length, so that links into either root
 * have the same size.
 */
async function build(seed: number): Promise<Case> {
  const rnd = new Random(seed)
  const generator = new Generator(rnd, outside)
  const tree = generator.tree()
  const rootName = generator.pure
    ? rnd.pick(['__pycache__', 'root'])
    : rnd.pick(['root', '__pycache__', 'x.pyc', 'node_modules', '.venv'])
  const real = path.join(work, `${seed}`, 'a', rootName)
  const dry = path.join(work, `${seed}`, 'b', rootName)
  await write(real, tree, real)
  await write(dry, tree, dry)
  return { tree, rootName, real, dry }
}

const numbers = (
  r: ListedResult
): { files: number; dirs: number; bytes: number; errors: number } => ({
  files: r.filesRemoved,
  dirs: r.dirsRemoved,
  bytes: r.bytesFreed,
  errors: r.failures.length
})

describe('random trees against the reference model', () => {
  it.each(seeds())(
    'seed %i: removes exactly what the model says, nothing outside, dry run = real run',
    async seed => {
      await withSeed(seed, async () => {
        const { tree, rootName, real, dry } = await build(seed)
        const before = await listTree(real)
        expect(await listTree(dry)).toEqual(before)

        // remove-empty on every other seed.
        const removeEmpty = seed % 2 === 1
        const expected = model(tree, real, removeEmpty)
        const dryRun = await clean(dry, true, removeEmpty)
        const realRun = await clean(real, false, removeEmpty)
        const { result } = realRun

        // What went, and the numbers.
        expect(result.failures).toEqual([])
        const kinds = new Map(before.map(e => [e.replace(/[/@]$/, ''), e]))
        const removed = result.removed.map(p => kinds.get(rel(real, p)) ?? `?${rel(real, p)}`)
        expect(sorted(removed)).toEqual(sorted(expected.removed))
        expect(new Set(removed).size).toBe(removed.length)
        expect(numbers(result)).toEqual({
          files: expected.files,
          dirs: expected.dirs,
          bytes: expected.bytes,
          errors: 0
        })

        // The tree left behind is the original minus exactly that.
        const gone = new Set(expected.removed)
        expect(await listTree(real)).toEqual(before.filter(e => !gone.has(e)))

        // What was kept, skipped and excluded, as the log and summary report it.
        expect(sorted(result.kept.map(k => rel(real, k.path)))).toEqual(sorted(expected.kept))
        expect(sorted(result.venvs.map(p => rel(real, p)))).toEqual(sorted(expected.venvs))
        expect(sorted(result.excluded.map(p => rel(real, p)))).toEqual(sorted(expected.excluded))
        expect(sorted(result.sourceless.map(p => rel(real, p)))).toEqual(
          sorted(expected.sourceless)
        )

        // The dry run touched nothing and reported the same numbers and paths.
        expect(await listTree(dry)).toEqual(before)
        expect({
          ...numbers(dryRun.result),
          removed: sorted(dryRun.result.removed.map(p => rel(dry, p)))
        }).toEqual({ ...numbers(result), removed: sorted(result.removed.map(p => rel(real, p))) })

        // Nothing outside the roots changed.
        expect(await snapshot(outside)).toEqual(outsideBefore)
        expect(await fs.readdir(path.dirname(real))).toEqual([rootName])
        expect(await fs.readdir(path.dirname(dry))).toEqual([rootName])

        // Idempotence (issue 3): a second run finds nothing left to do.
        const again = (await clean(real, false, removeEmpty)).result
        expect({ ...numbers(again), removed: again.removed }).toEqual({
          files: 0,
          dirs: 0,
          bytes: 0,
          errors: 0,
          removed: []
        })

        await fs.rm(path.dirname(path.dirname(real)), { recursive: true, force: true })
      })
    },
    15_000
  )
})

describe('the generator', () => {
  it('produces every kind of entry the model distinguishes, across the fixed seeds', () => {
    // Guards the property test itself: a generator that stopped producing, say, venvs or
    // links named __pycache__ would make the comparison above vacuous for that rule.
    const seen = new Set<string>()
    let kept = 0
    let removedDirs = 0
    for (let seed = 1; seed <= 30; seed++) {
      const generator = new Generator(new Random(seed), '/outside')
      const tree = generator.tree()
      const m = model(tree, '/root', false)
      if (generator.pure) seen.add('pure')
      kept += m.kept.length
      removedDirs += m.dirs
      if (m.venvs.length) seen.add('venv')
      if (m.sourceless.length) seen.add('sourceless kept')
      if (
        m.removed.some(e => /(^|\/)(x|mod|_init)\.pyc$/.test(e) && !/__pycache__\/[^/]*$/.test(e))
      ) {
        seen.add('legacy beside its source removed')
      }
      if (m.excluded.length) seen.add('excluded')
      if (m.removed.some(e => e.endsWith('__pycache__/__pycache__/'))) seen.add('nested removed')
      if (m.removed.some(e => isTemp(e.replace(/@$/, '')))) seen.add('temp removed')
      if (m.kept.some(e => m.removed.includes(`${e}/__pycache__/`))) seen.add('nested, parent kept')
      if (tree.children.get('pyvenv.cfg')?.kind === 'file') seen.add('root venv')
      const walk = (dir: Dir): void => {
        for (const [name, entry] of dir.children) {
          if (entry.kind === 'link') {
            seen.add(name === '__pycache__' ? 'link __pycache__' : 'link')
            if (isBytecode(name)) seen.add('link bytecode')
          } else if (entry.kind === 'file' && name === '__pycache__') seen.add('file __pycache__')
          else if (entry.kind === 'dir') {
            if (isBytecode(name)) seen.add('dir bytecode')
            if (name === 'pyvenv.cfg') seen.add('dir pyvenv.cfg')
            if (entry.children.get('pyvenv.cfg')?.kind === 'link') seen.add('venv marker link')
            if (entry.children.get('conda-meta')?.kind === 'dir') seen.add('conda env')
            if (entry.children.get('conda-meta')?.kind === 'file') seen.add('conda-meta file')
            walk(entry)
          }
        }
      }
      walk(tree)
    }
    expect(sorted(seen)).toEqual(
      sorted([
        'venv',
        'excluded',
        'link',
        'link __pycache__',
        'link bytecode',
        'file __pycache__',
        'dir bytecode',
        'dir pyvenv.cfg',
        'venv marker link',
        'root venv',
        'nested removed',
        'nested, parent kept',
        'temp removed',
        'pure',
        'sourceless kept',
        'legacy beside its source removed',
        'conda env',
        'conda-meta file'
      ])
    )
    expect(kept).toBeGreaterThan(5)
    expect(removedDirs).toBeGreaterThan(20)
  })
})
