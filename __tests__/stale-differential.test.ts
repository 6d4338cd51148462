/**
 * Issue 13: `mode: stale` against the interpreters themselves. For each CPython 3.8+ on this
 * machine, random trees are compiled by real interpreters (every invalidation mode and
 * optimization level, PYTHONPYCACHEPREFIX trees, pytest-named caches, another interpreter's
 * files), then mutated (sources deleted, edited with and without a size or mtime change,
 * renamed; magic numbers and headers damaged; legacy and orphan copies); the built action runs on
 * each in a dry run with `python` naming the interpreters that will use it. For every bytecode
 * file, what the action would remove must be exactly what those interpreters would not use, as
 * they say themselves (`__fixtures__/bytecode_oracle.py`: importlib's own checks, pytest's own
 * reader). A difference names the seed; `PYCLEAN_SEED=N` runs that seed alone.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, promises as fs, realpathSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pythons, writingEnv } from '../__fixtures__/pythons.js'
import { mulberry32 } from '../__fixtures__/random.js'
import { runAction } from '../__fixtures__/runner.js'
import { removeTree, tempDir } from '../__fixtures__/tree.js'

const ORACLE = fileURLToPath(new URL('../__fixtures__/bytecode_oracle.py', import.meta.url))

/** A CPython to test with, as it describes itself. */
interface Python {
  readonly command: string
  readonly tag: string
  readonly version: string
}

function describePython(command: string): Python | undefined {
  try {
    const [tag, version] = execFileSync(
      command,
      ['-c', 'import sys; print(sys.implementation.cache_tag, sys.version.split()[0])'],
      { encoding: 'utf8' }
    )
      .trim()
      .split(' ')
    return { command, tag, version }
  } catch {
    return undefined
  }
}

/** Each CPython 3.8+ here once per version (pyenv's, python3, Debian's /usr/bin/python3). */
const PYTHONS: Python[] = (() => {
  const found = [
    ...pythons([3, 8]),
    ...(existsSync('/usr/bin/python3') ? ['/usr/bin/python3'] : [])
  ]
    .map(describePython)
    .filter((p): p is Python => p !== undefined && /^cpython-3(\d+)$/.test(p.tag))
    .filter(p => Number(p.tag.slice('cpython-3'.length)) >= 8)
  const seen = new Set<string>()
  return found.filter(p => !seen.has(p.version) && seen.add(p.version) !== undefined)
})()

const describeDifferential = PYTHONS.length >= 2 ? describe : describe.skip
if (PYTHONS.length < 2) {
  console.log(
    `stale-differential.test.ts: ${PYTHONS.length} CPython 3.8+ found (two needed); skipped.`
  )
}

type Rng = () => number
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]
const chance = (rng: Rng, p: number): boolean => rng() < p

const MODES = ['timestamp', 'checked-hash', 'unchecked-hash'] as const

function oracle(python: Python, args: string[], input?: string): unknown {
  return JSON.parse(
    execFileSync(python.command, [ORACLE, ...args], {
      encoding: 'utf8',
      input,
      env: writingEnv({ PYTHONPYCACHEPREFIX: undefined, SOURCE_DATE_EPOCH: undefined }),
      maxBuffer: 64 * 1024 * 1024
    })
  )
}

/** Writes random packages of modules below `src`; returns the source paths. */
async function writeSources(rng: Rng, src: string): Promise<string[]> {
  const sources: string[] = []
  const dirs = [src]
  for (let i = 0, n = 2 + Math.floor(rng() * 3); i < n; i++) {
    dirs.push(path.join(pick(rng, dirs), `pkg${i}`))
  }
  for (const dir of dirs) {
    await fs.mkdir(dir, { recursive: true })
    const names = [
      '__init__',
      ...Array.from({ length: 2 + Math.floor(rng() * 4) }, (_, k) => `m${k}`),
      // A dotted name (gunicorn.conf.py), loaded by path: its cache is read while it is there.
      ...(chance(rng, 0.3) ? ['settings.conf'] : [])
    ]
    for (const name of names) {
      const file = path.join(dir, `${name}.py`)
      await fs.writeFile(file, body(rng))
      sources.push(file)
    }
  }
  return sources
}

function body(rng: Rng, length?: number): string {
  let text = ''
  while (length === undefined ? text.length < 20 + rng() * 200 : text.length < length) {
    text += `x${Math.floor(rng() * 1000)} = ${Math.floor(rng() * 1e6)}\n`
  }
  return length === undefined ? text : text.slice(0, length - 1) + '\n'
}

/** What one case is: its seed, its tree and the interpreters named in `python`. */
interface Case {
  readonly seed: number
  readonly root: string
  readonly prefix: string | undefined
  readonly judges: readonly Python[]
  readonly log: string[]
}

/** Compiles a random share of `sources` with `python`, in random modes, levels and places. */
function compileSome(
  rng: Rng,
  python: Python,
  sources: readonly string[],
  prefixDir: string,
  share: number
): string[] {
  const plan = []
  for (const source of sources) {
    if (!chance(rng, share)) continue
    for (let k = 0, n = 1 + Math.floor(rng() * 3); k < n; k++) {
      plan.push({
        source,
        opt: Math.floor(rng() * 3),
        mode: pick(rng, MODES),
        prefix: chance(rng, 0.35) ? prefixDir : null
      })
    }
  }
  return oracle(python, ['compile'], JSON.stringify(plan)) as string[]
}

/** Damages and copies bytecode files, and changes sources, the ways the issue lists. */
async function mutate(
  rng: Rng,
  c: Case,
  sources: string[],
  written: string[],
  main: Python
): Promise<void> {
  for (const pyc of written) {
    if (!existsSync(pyc)) continue
    const dir = path.dirname(pyc)
    const stem = path.basename(pyc).split('.')[0]
    if (chance(rng, 0.15)) {
      const ext = chance(rng, 0.3) ? 'pyo' : 'pyc'
      const copy = path.join(dir, `${stem}.${main.tag}-pytest-9.0.3.${ext}`)
      await fs.copyFile(pyc, copy)
      c.log.push(`pytest copy ${copy}`)
    }
    if (chance(rng, 0.05)) {
      // Another magic number under the same tag: a pre-release's.
      const data = await fs.readFile(pyc)
      data.writeUInt16LE(data.readUInt16LE(0) - 1, 0)
      await fs.writeFile(pyc, data)
      c.log.push(`bad magic ${pyc}`)
    } else if (chance(rng, 0.04)) {
      await fs.truncate(pyc, Math.floor(rng() * 16))
      c.log.push(`short header ${pyc}`)
    }
    if (path.basename(dir) === '__pycache__' && chance(rng, 0.04)) {
      // What Python 3.4 wrote under -O: no Python 3.5+ reads it.
      const pyo = path.join(dir, `${stem}.${path.basename(pyc).split('.')[1]}.pyo`)
      await fs.copyFile(pyc, pyo)
      c.log.push(`pyo copy ${pyo}`)
    }
    if (path.basename(dir) === '__pycache__' && chance(rng, 0.05)) {
      // Outside __pycache__: a legacy name beside its source, or a tagged orphan.
      const beside = path.dirname(dir)
      const name = chance(rng, 0.5) ? `${stem}.pyc` : path.basename(pyc)
      if (existsSync(path.join(beside, `${stem}.py`))) {
        await fs.copyFile(pyc, path.join(beside, name))
        c.log.push(`copy beside ${path.join(beside, name)}`)
      }
    }
  }
  for (const source of sources) {
    const r = rng()
    if (r < 0.12) {
      await fs.rm(source)
      c.log.push(`deleted ${source}`)
    } else if (r < 0.24) {
      await fs.writeFile(source, body(rng) + '# edited\n')
      c.log.push(`edited ${source}`)
    } else if (r < 0.34) {
      // Same size, mtime put back: a timestamp file still matches, a hash-based one does not.
      const st = await fs.stat(source)
      await fs.writeFile(source, body(rng, Number(st.size)))
      await fs.utimes(source, st.atime, st.mtime)
      c.log.push(`edited in place ${source}`)
    } else if (r < 0.42) {
      const st = await fs.stat(source)
      const later = new Date(st.mtimeMs + (1 + Math.floor(rng() * 1000)) * 1000)
      await fs.utimes(source, later, later)
      c.log.push(`touched ${source}`)
    } else if (r < 0.48 && !source.endsWith('__init__.py')) {
      await fs.rename(source, source.replace(/\.py$/, '_renamed.py'))
      c.log.push(`renamed ${source}`)
    }
  }
}

/** Every .pyc/.pyo below `root`, links not followed. */
async function bytecodeFiles(root: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.py[co]$/.test(entry.name)) {
      out.push(path.join(entry.parentPath, entry.name))
    }
  }
  return out.sort()
}

const roots: string[] = []
afterAll(async () => {
  for (const root of roots) await removeTree(root)
})

async function buildCase(seed: number, main: Python): Promise<Case> {
  const rng = mulberry32(seed)
  const root = realpathSync(await tempDir('pyclean-diff-'))
  roots.push(root)
  const prefixDir = path.join(root, 'pyc')
  const others = PYTHONS.filter(p => p.tag !== main.tag)
  const other = pick(rng, others)
  const judges = pick(rng, [[main], [main], [main, other], [other]])
  const c: Case = {
    seed,
    root,
    prefix: chance(rng, 0.6) ? prefixDir : undefined,
    judges,
    log: []
  }
  const sources = await writeSources(rng, path.join(root, 'src'))
  const written = compileSome(rng, main, sources, prefixDir, 0.85)
  written.push(...compileSome(rng, other, sources, prefixDir, 0.3))
  // Each file once: a path compiled twice (two modes, one level) is one file.
  await mutate(rng, c, sources, [...new Set(written)], main)
  return c
}

/** Where a file in use lies, to show the cases include every kind. */
function keptKind(c: Case, f: string): string {
  if (f.includes('-pytest-')) return 'kept: pytest cache'
  if (f.startsWith(path.join(c.root, 'pyc') + path.sep)) return 'kept: prefix tree'
  return path.basename(path.dirname(f)) === '__pycache__' ? 'kept: __pycache__' : 'kept: sourceless'
}

async function differences(c: Case): Promise<string[]> {
  const used = new Map<string, boolean>()
  for (const judge of c.judges) {
    const says = oracle(judge, ['judge', c.root, c.prefix ?? '']) as Record<string, boolean>
    for (const [p, v] of Object.entries(says)) used.set(p, (used.get(p) ?? false) || v)
  }
  const run = await runAction(c.root, {
    inputs: {
      mode: 'stale',
      'dry-run': 'true',
      'keep-tracked': 'false',
      python: c.judges.map(j => j.command).join('\n')
    },
    env: { PYTHONPYCACHEPREFIX: c.prefix ?? '' }
  })
  if (run.status !== 0) return [`the action failed: ${run.log}\n${run.stderr}`]
  const report = run.report as { removed: string[]; stale: { path: string; reason: string }[] }
  const why = new Map(report.stale.map(s => [s.path, s.reason]))
  for (const reason of why.values()) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
  for (const [f, u] of used) {
    if (u) reasons.set(keptKind(c, f), (reasons.get(keptKind(c, f)) ?? 0) + 1)
  }
  const removed = new Set(report.removed)
  const files = await bytecodeFiles(c.root)
  expect(files.length).toBeGreaterThan(0)
  expect(new Set(used.keys())).toEqual(new Set(files))
  return files
    .filter(f => removed.has(f) === used.get(f))
    .map(
      f =>
        `seed ${c.seed}, python ${c.judges.map(j => j.version).join('+')}, prefix ` +
        `${c.prefix ?? 'unset'}: ${path.relative(c.root, f)} is ` +
        `${used.get(f) ? 'used' : 'never used'} but the action would ` +
        `${removed.has(f) ? `remove it (${why.get(f)})` : 'keep it'}`
    )
}

/** Over every case: how many files were judged stale for each reason, and kept where. */
const reasons = new Map<string, number>()

const only = process.env.PYCLEAN_SEED
const SEEDS_PER_PYTHON = 4

describeDifferential('mode: stale against the interpreters themselves (random trees)', () => {
  it.each(PYTHONS.map(p => [p.version, p] as const))(
    'CPython %s: the action removes exactly what the interpreters would not use',
    async (_version, main) => {
      const index = PYTHONS.indexOf(main)
      const seeds =
        only !== undefined
          ? [Number(only)]
          : Array.from({ length: SEEDS_PER_PYTHON }, (_, k) => 1000 * (index + 1) + k)
      let checked = 0
      const found: string[] = []
      for (const seed of seeds) {
        const c = await buildCase(seed, main)
        const diff = await differences(c)
        checked += (await bytecodeFiles(c.root)).length
        if (diff.length > 0) found.push(...diff, `  (what seed ${seed} did: ${c.log.join('; ')})`)
      }
      expect(found).toEqual([])
      expect(checked).toBeGreaterThan(20)
    },
    120_000
  )

  it('made every kind of stale file on the way, and kept files in use', () => {
    expect(only === undefined ? [...reasons.keys()].sort() : []).toEqual(
      only === undefined
        ? [
            'bad magic',
            'hash mismatch',
            'kept: __pycache__',
            'kept: prefix tree',
            'kept: pytest cache',
            'kept: sourceless',
            'legacy beside its source',
            'name never read',
            'orphan',
            'other interpreter',
            'rejected header',
            'source changed',
            'source gone'
          ]
        : []
    )
    console.log(
      `stale-differential, files by verdict: ${JSON.stringify(Object.fromEntries(reasons))}`
    )
  })
})
