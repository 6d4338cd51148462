/**
 * Issue 5, `mode: stale`: bytecode Python will never use goes, the rest stays. Trees are compiled
 * by the machine's python3, then made stale in each of the ways the issue lists; what stays in
 * `__pycache__` is checked against the import system's own validation (importlib's
 * `_classify_pyc` and `_validate_timestamp_pyc`), run by python3 on the same files.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { promises as fs, statSync } from 'node:fs'
import * as path from 'node:path'
import { pyenvPythons, writingEnv } from '../__fixtures__/pythons.js'
import { cleanListing } from '../__fixtures__/removal.js'
import { listTree, makeTree, removeTree, tempDir } from '../__fixtures__/tree.js'
import { environmentTag } from '../src/environment.js'
import { headerVerdict, pythonMtime } from '../src/header.js'

const python = spawnSync('python3', ['--version']).status === 0
const describePython = python ? describe : describe.skip

let dirs: string[] = []

async function temp(): Promise<string> {
  const dir = await tempDir()
  dirs.push(dir)
  return dir
}

afterEach(async () => {
  for (const dir of dirs) await removeTree(dir)
  dirs = []
})

function py(script: string, cwd: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', script, ...args], { cwd, encoding: 'utf8' })
}

const rel = (root: string, p: string): string => path.relative(root, p).split(path.sep).join('/')

describePython('pythonMtime (int(st_mtime) & 0xFFFFFFFF, as CPython computes it)', () => {
  it.each([
    ['a whole second', 1_700_000_000_000_000_000n],
    ['just below the next second (the double rounds up)', 1_700_000_000_999_999_999n],
    ['half a second', 1_700_000_000_500_000_000n],
    ['beyond 2^32 seconds', 4_400_000_000_250_000_000n],
    ['before 1970', -1_000_000_000_500_000_000n]
  ])('%s agrees with python3', async (_what, ns) => {
    const dir = await temp()
    const file = path.join(dir, 'f.py')
    await fs.writeFile(file, '')
    const expected = py(
      'import os,sys\np=sys.argv[1]\nos.utime(p, ns=(int(sys.argv[2]),)*2)\n' +
        'print(int(os.stat(p).st_mtime) & 0xFFFFFFFF)',
      dir,
      file,
      String(ns)
    )
    const stats = statSync(file, { bigint: true })
    expect(stats.mtimeNs).toBe(ns)
    expect(pythonMtime(stats.mtimeNs)).toBe(Number(expected.trim()))
  })
})

describePython('headerVerdict', () => {
  let dir: string
  const source = (): string => path.join(dir, 'm.py')
  const compile = (mode = 'TIMESTAMP'): string =>
    py(
      'import py_compile,sys\n' +
        'print(py_compile.compile(sys.argv[1], doraise=True, ' +
        'invalidation_mode=py_compile.PycInvalidationMode[sys.argv[2]]))',
      dir,
      source(),
      mode
    ).trim()

  beforeAll(async () => {
    dir = await tempDir()
  })
  afterAll(async () => {
    await removeTree(dir)
  })
  afterEach(async () => {
    await fs.rm(path.join(dir, '__pycache__'), { recursive: true, force: true })
    await fs.writeFile(source(), 'x = 1\n')
  })

  it('is current for a freshly compiled file', async () => {
    await fs.writeFile(source(), 'x = 1\n')
    expect(headerVerdict(compile(), source())).toBe('current')
  })

  it('is stale when the source mtime changed', async () => {
    const pyc = compile()
    const { mtime } = await fs.stat(source())
    await fs.utimes(source(), mtime, new Date(mtime.getTime() + 5000))
    expect(headerVerdict(pyc, source())).toBe('stale')
  })

  it('is stale when the size changed but the mtime did not', async () => {
    const pyc = compile()
    const { atime, mtime } = await fs.stat(source())
    await fs.writeFile(source(), 'x = 100\n')
    await fs.utimes(source(), atime, mtime)
    expect(headerVerdict(pyc, source())).toBe('stale')
  })

  it('is stale when the source is gone', async () => {
    const pyc = compile()
    await fs.rm(source())
    expect(headerVerdict(pyc, source())).toBe('stale')
  })

  it.each([
    ['truncated to 15 bytes', (b: Buffer) => b.subarray(0, 15)],
    [
      'a magic number without \\r\\n',
      (b: Buffer) => Buffer.concat([Buffer.from([1, 2, 3, 4]), b.subarray(4)])
    ],
    [
      'unknown flags',
      (b: Buffer) => Buffer.concat([b.subarray(0, 4), Buffer.from([4, 0, 0, 0]), b.subarray(8)])
    ]
  ])('is stale when the header is unusable: %s', async (_what, damage) => {
    const pyc = compile()
    await fs.writeFile(pyc, damage(await fs.readFile(pyc)))
    expect(headerVerdict(pyc, source())).toBe('stale')
  })

  it.each(['CHECKED_HASH', 'UNCHECKED_HASH'])(
    'judges a hash-based (%s) file by its source hash: current, then stale once the source changes',
    async mode => {
      const pyc = compile(mode)
      expect(headerVerdict(pyc, source())).toBe('current')
      // Same size and mtime do not matter here: only the bytes do.
      const st = await fs.stat(source())
      await fs.writeFile(source(), 'x = 2\n')
      await fs.utimes(source(), st.atime, st.mtime)
      expect(headerVerdict(pyc, source())).toBe('stale')
      await fs.writeFile(source(), 'x = 1\n')
      expect(headerVerdict(pyc, source())).toBe('current')
    }
  )

  it('is unknown (kept) when the file cannot be opened, and never follows a link', async () => {
    const pyc = compile()
    expect(headerVerdict(path.join(dir, 'missing.pyc'), source())).toBe('unknown')
    const link = path.join(dir, 'link.pyc')
    await fs.symlink(pyc, link)
    try {
      expect(headerVerdict(link, source())).toBe('unknown')
    } finally {
      await fs.rm(link)
    }
  })
})

/**
 * For every `.pyc` in a `__pycache__` below `root`: would the running python3 use it for its
 * source? importlib's own checks, with the source found as the import system finds it.
 */
const ORACLE = String.raw`
import _imp, importlib.util, os, sys, json
from importlib import _bootstrap_external as be
root = sys.argv[1]
out = {}
for d, subdirs, files in os.walk(root):
    if os.path.basename(d) != '__pycache__':
        continue
    for f in files:
        p = os.path.join(d, f)
        try:
            src = importlib.util.source_from_cache(p)
        except ValueError:
            out[p] = False
            continue
        # The only names the import system reads for this source.
        names = {importlib.util.cache_from_source(src, optimization=o) for o in ('', 1, 2)}
        if p not in names or not os.path.isfile(src):
            out[p] = False
            continue
        data = open(p, 'rb').read()
        try:
            flags = be._classify_pyc(data, f, {})
            if flags & 1 == 0:
                st = os.stat(src)
                be._validate_timestamp_pyc(data, int(st.st_mtime), st.st_size, f, {})
            else:
                # Checked or not: does loading it give the current source's code?
                h = _imp.source_hash(be._RAW_MAGIC_NUMBER, open(src, 'rb').read())
                be._validate_hash_pyc(data, h, f, {})
            out[p] = True
        except (ImportError, EOFError):
            out[p] = False
print(json.dumps(out))
`

/** Builds the tree of the integration test: compiled, then made stale in every listed way. */
const BUILD = String.raw`
import compileall, os, py_compile, shutil, sys, time
root = sys.argv[1]
tag = sys.implementation.cache_tag
def w(rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, 'w').write(text)
for m in ['__init__', 'a', 'b', 'c', 'd', 'e', 'f', 'g']:
    w('pkg/%s.py' % m, '%s = 1\n' % m.strip('_'))
w('gone/x.py', 'x = 1\n')
compileall.compile_dir(root, quiet=1, optimize=[0, 1, 2])
pc = os.path.join(root, 'pkg', '__pycache__')
# b: source deleted. c: source touched. d: same mtime, new size.
os.remove(os.path.join(root, 'pkg', 'b.py'))
c = os.path.join(root, 'pkg', 'c.py'); st = os.stat(c); os.utime(c, (st.st_atime, st.st_mtime + 10))
d = os.path.join(root, 'pkg', 'd.py'); st = os.stat(d); open(d, 'w').write('d = 100\n'); os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))
# e: hash-based (checked), kept whatever its source says.
py_compile.compile(os.path.join(root, 'pkg', 'e.py'), invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
# f: checked-hash, g: unchecked-hash (Python would run the old code), then both sources edited.
py_compile.compile(os.path.join(root, 'pkg', 'f.py'), invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
py_compile.compile(os.path.join(root, 'pkg', 'g.py'), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
for m in ['f', 'g']:
    open(os.path.join(root, 'pkg', m + '.py'), 'w').write('%s = 2  # edited\n' % m)
# Damaged and odd files in pkg/__pycache__.
p = os.path.join(pc, 'a.%s.opt-2.pyc' % tag); data = open(p, 'rb').read(); open(p, 'wb').write(data[:10])
shutil.copy(os.path.join(pc, 'a.%s.pyc' % tag), os.path.join(pc, 'a.%s.pyc.140234567' % tag))
shutil.copy(os.path.join(pc, 'a.%s.pyc' % tag), os.path.join(pc, 'a.pyc'))
shutil.copy(os.path.join(pc, 'a.%s.pyc' % tag), os.path.join(pc, 'a.%s.opt-1.pyo' % tag))
# Legacy bytecode beside the sources: a current one, one without source, one out of date.
py_compile.compile(os.path.join(root, 'pkg', 'a.py'), cfile=os.path.join(root, 'pkg', 'a.pyc'))
shutil.copy(os.path.join(root, 'pkg', 'a.pyc'), os.path.join(root, 'pkg', 'old.pyc'))
shutil.copy(os.path.join(root, 'pkg', 'a.pyc'), os.path.join(root, 'pkg', 'old.pyo'))
py_compile.compile(os.path.join(root, 'pkg', 'd.py'), cfile=os.path.join(root, 'pkg', 'd.pyc'))
st = os.stat(d); open(d, 'w').write('d = 10000\n'); os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))
# gone/: every source deleted, so its __pycache__ goes whole.
os.remove(os.path.join(root, 'gone', 'x.py'))
print(tag)
`

describePython('mode: stale on a tree compiled by python3', () => {
  it('removes exactly the bytecode python3 would not use, and keeps the rest', async () => {
    const root = await temp()
    const tag = py(BUILD, root, root).trim()
    const before = await listTree(root)
    const oracle = JSON.parse(py(ORACLE, root, root)) as Record<string, boolean>
    const cached = Object.keys(oracle).map(p => rel(root, p))
    expect(cached.length).toBeGreaterThanOrEqual(15)
    // Both kinds are there: the oracle is not trivially all-true or all-false.
    expect(Object.values(oracle)).toContain(true)
    expect(Object.values(oracle)).toContain(false)

    const dry = await cleanListing(root, { dryRun: true, mode: 'stale' })
    expect(await listTree(root)).toEqual(before)
    const judged = new Map<string, string>()
    const result = await cleanListing(root, {
      dryRun: false,
      mode: 'stale',
      onJudged: (p, reason) => judged.set(rel(root, p), reason)
    })
    const removed = result.removed.map(p => rel(root, p)).sort()
    expect(dry.removed.map(p => rel(root, p)).sort()).toEqual(removed)

    // In __pycache__: kept exactly when python3 would use the file.
    for (const [p, used] of Object.entries(oracle)) {
      expect([rel(root, p), removed.includes(rel(root, p))]).toEqual([rel(root, p), !used])
    }
    const pc = (name: string): string => `pkg/__pycache__/${name}`
    expect(removed).toEqual(
      [
        // b's source is gone; c was touched; d changed size; f and g (hash-based at level 0)
        // were edited; all at three levels.
        ...['b', 'c', 'd', 'f', 'g'].flatMap(m => [
          pc(`${m}.${tag}.pyc`),
          pc(`${m}.${tag}.opt-1.pyc`),
          pc(`${m}.${tag}.opt-2.pyc`)
        ]),
        pc(`a.${tag}.opt-2.pyc`), // truncated
        pc(`a.${tag}.pyc.140234567`), // temporary file of an interrupted write
        pc('a.pyc'), // a name Python never reads in __pycache__
        pc(`a.${tag}.opt-1.pyo`), // .pyo: not read since Python 3.5
        'pkg/old.pyo', // .pyo: never imported by Python 3
        'pkg/d.pyc', // legacy beside its source: Python 3 reads the source instead
        'pkg/a.pyc',
        `gone/__pycache__/x.${tag}.pyc`,
        `gone/__pycache__/x.${tag}.opt-1.pyc`,
        `gone/__pycache__/x.${tag}.opt-2.pyc`,
        'gone/__pycache__'
      ].sort()
    )
    expect(result).toMatchObject({ failures: [], filesRemoved: removed.length - 1, dirsRemoved: 1 })
    // Why each went: counted per reason, and named per file.
    expect(result.stale).toEqual({
      'source gone': 6,
      'source changed': 10,
      'hash mismatch': 2,
      'rejected header': 1,
      'interrupted write': 1,
      'name never read': 2,
      'legacy beside its source': 3
    })
    expect(dry.stale).toEqual(result.stale)
    expect(judged.get(pc(`f.${tag}.pyc`))).toBe('hash mismatch')
    expect(judged.get(pc(`g.${tag}.pyc`))).toBe('hash mismatch')
    expect(judged.get(pc(`c.${tag}.pyc`))).toBe('source changed')
    expect(judged.get(pc(`b.${tag}.pyc`))).toBe('source gone')
    expect(judged.get(pc(`a.${tag}.opt-2.pyc`))).toBe('rejected header')
    expect([...judged.keys()].sort()).toEqual(removed.filter(p => !p.endsWith('__pycache__')))
    // A __pycache__ still in use stays without a note: that is the normal case in this mode.
    expect(result.kept).toEqual([])
    // A legacy .pyc with no source is a sourceless module: python3 imports it, and it stays.
    expect(result.sourceless.map(p => rel(root, p))).toEqual(['pkg/old.pyc'])
    py('import sys; sys.path.insert(0, sys.argv[1]); import pkg.old', root, root)
    // e's hash-based file and a's current files stay.
    const after = await listTree(root)
    for (const kept of [pc(`e.${tag}.pyc`), pc(`a.${tag}.pyc`), pc(`a.${tag}.opt-1.pyc`)])
      expect(after).toContain(kept)

    // A second run finds nothing more.
    const again = await cleanListing(root, { dryRun: false, mode: 'stale' })
    expect(again.removed).toEqual([])
  })

  it('keeps a linked .pyc whose source is there (the link is not read), removes one whose source is not', async () => {
    const root = await temp()
    await makeTree(root, { 'm.py': 'x = 1\n', 'target/blob': 'not bytecode' })
    await makeTree(root, {
      '__pycache__/m.cpython-311.pyc': { link: path.join(root, 'target', 'blob') },
      '__pycache__/n.cpython-311.pyc': { link: path.join(root, 'target', 'blob') }
    })
    const result = await cleanListing(root, { dryRun: false, mode: 'stale' })
    expect(result.removed.map(p => rel(root, p))).toEqual(['__pycache__/n.cpython-311.pyc'])
    expect(await fs.readFile(path.join(root, 'target', 'blob'), 'utf8')).toBe('not bytecode')
  })

  it("judges a root that is itself a __pycache__ (path: '**/__pycache__') by its parent's sources", async () => {
    const root = await temp()
    await makeTree(root, { 'pkg/m.py': 'm = 1\n', 'pkg/gone.py': 'g = 1\n' })
    py(
      'import py_compile,sys\nfor m in ("m","gone"): py_compile.compile(sys.argv[1] + "/pkg/" + m + ".py")',
      root,
      root
    )
    await fs.rm(path.join(root, 'pkg', 'gone.py'))
    const cache = path.join(root, 'pkg', '__pycache__')
    const [current] = (await fs.readdir(cache)).filter(n => n.startsWith('m.'))
    await fs.writeFile(path.join(cache, `${current}.140234`), 'interrupted write')

    for (const mode of ['stale', 'all'] as const) {
      const dry = await cleanListing(cache, { dryRun: true, mode })
      const names = dry.removed.map(p => path.basename(p)).sort()
      expect({ mode, names }).toEqual({
        mode,
        names:
          mode === 'stale'
            ? [`${current}.140234`, current.replace(/^m\./, 'gone.')].sort()
            : (await fs.readdir(cache)).sort()
      })
      // The root itself is never removed.
      expect(dry.dirsRemoved).toBe(0)
    }
  })

  it('removes all bytecode and temporary files in mode all, but the sourceless module', async () => {
    const root = await temp()
    const tag = py(BUILD, root, root).trim()
    const result = await cleanListing(root, { dryRun: false, mode: 'all' })
    expect(result.failures).toEqual([])
    const after = await listTree(root)
    expect(after.filter(e => e.includes('__pycache__') || /\.py[co]$/.test(e))).toEqual([
      'pkg/old.pyc'
    ])
    expect(tag).not.toBe('')
  })

  it("with 'keep-sourceless: false' removes the sourceless module too, in both modes", async () => {
    for (const mode of ['all', 'stale'] as const) {
      const root = await temp()
      py(BUILD, root, root)
      const result = await cleanListing(root, { dryRun: false, mode, keepSourceless: false })
      expect(result.sourceless).toEqual([])
      expect(result.removed.map(p => rel(root, p))).toContain('pkg/old.pyc')
    }
  })
})

// pytest itself as the oracle: its `_read_pyc` says whether it would use a cache it wrote.
const pytest =
  python && spawnSync('python3', ['-c', 'import _pytest.assertion.rewrite']).status === 0
const describePytest = pytest ? describe : describe.skip
if (!pytest) console.log('stale.test.ts: no pytest for python3; the pytest cache test is skipped.')

const PYTEST_ORACLE = String.raw`
import glob, json, os, sys
from pathlib import Path
from _pytest.assertion.rewrite import _read_pyc
root = sys.argv[1]
out = {}
for p in glob.glob(os.path.join(root, '__pycache__', '*-pytest-*')):
    name = os.path.basename(p)
    src = Path(root, name.split('.')[0] + '.py')
    out[p] = _read_pyc(src, Path(p)) is not None
print(json.dumps(out))
`

describePytest("mode: stale on pytest's assertion-rewrite caches", () => {
  it('keeps the caches pytest would read, and removes the ones it would not, as pytest says', async () => {
    const root = await temp()
    for (const m of ['test_kept', 'test_edited', 'test_gone']) {
      await fs.writeFile(path.join(root, `${m}.py`), 'def test_a():\n    assert 1 == 1\n')
    }
    const env = writingEnv()
    const run = spawnSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', root], {
      cwd: root,
      env,
      encoding: 'utf8'
    })
    expect(run.status).toBe(0)
    await fs.writeFile(path.join(root, 'test_edited.py'), 'def test_a():\n    assert 22 == 22\n')
    await fs.rm(path.join(root, 'test_gone.py'))
    const oracle = JSON.parse(py(PYTEST_ORACLE, root, root)) as Record<string, boolean>
    expect(Object.keys(oracle)).toHaveLength(3)

    const result = await cleanListing(root, { dryRun: false, mode: 'stale' })

    const removed = result.removed.map(p => rel(root, p))
    for (const [p, used] of Object.entries(oracle)) {
      expect([rel(root, p), removed.includes(rel(root, p))]).toEqual([rel(root, p), !used])
    }
    expect(Object.values(oracle).filter(Boolean)).toHaveLength(1)
  })
})

describe('environmentTag (the interpreter a pyvenv.cfg names)', () => {
  it.each([
    ['home = /usr/bin\nversion = 3.11.7\n', 'cpython-311'],
    ['implementation = CPython\nversion_info = 3.12.1.final.0\n', 'cpython-312'],
    ['version_info = 3.13.0\r\nimplementation = cpython\r\n', 'cpython-313'],
    ['implementation = PyPy\nversion_info = 3.10.14\n', undefined],
    ['home = /usr/bin\n', undefined]
  ])('%j → %j', (cfg, tag) => {
    expect(environmentTag(cfg)).toBe(tag)
  })
})

/** Two pyenv interpreters of different minor versions, for a venv of one holding the other's. */
const pyenvs = pyenvPythons([3, 8])
const describeTwoPythons = pyenvs.length >= 2 ? describe : describe.skip
if (pyenvs.length < 2)
  console.log('stale.test.ts: fewer than two pyenv CPythons; venv tag test skipped.')

/**
 * A venv made by the older of two pyenv interpreters, holding `x.py` at `venv/<below>` compiled
 * by both; with the tags and the name of the file the venv's own interpreter would read.
 */
async function venvWithTwoTags(below: string): Promise<{
  venv: string
  lib: string
  otherTag: string
  wanted: string
}> {
  const [own, other] = [pyenvs[pyenvs.length - 2], pyenvs[pyenvs.length - 1]]
  const venv = path.join(await temp(), 'venv')
  execFileSync(own, ['-m', 'venv', '--without-pip', venv])
  const lib = path.join(venv, ...below.split('/'))
  await fs.mkdir(lib, { recursive: true })
  await fs.writeFile(path.join(lib, 'x.py'), 'x = 1\n')
  for (const python of [own, other]) {
    execFileSync(python, ['-m', 'compileall', '-q', lib], { env: writingEnv() })
  }
  const tagOf = (python: string): string =>
    execFileSync(python, ['-c', 'import sys; print(sys.implementation.cache_tag)'], {
      encoding: 'utf8'
    }).trim()
  const [ownTag, otherTag] = [tagOf(own), tagOf(other)]
  expect(ownTag).not.toBe(otherTag)
  // What the venv's own interpreter would read.
  const wanted = execFileSync(
    path.join(venv, 'bin', 'python'),
    [
      '-c',
      'import importlib.util, sys; print(importlib.util.cache_from_source(sys.argv[1]))',
      path.join(lib, 'x.py')
    ],
    { encoding: 'utf8' }
  ).trim()
  expect(path.basename(wanted)).toBe(`x.${ownTag}.pyc`)
  return { venv, lib, otherTag, wanted: path.basename(wanted) }
}

describeTwoPythons("mode: stale in a virtual environment: another interpreter's bytecode", () => {
  it('is stale below a venv root, as its interpreter never reads it; its own current files stay', async () => {
    const { venv, lib, otherTag, wanted } = await venvWithTwoTags('lib/m')
    const judged = new Map<string, string>()
    await cleanListing(venv, {
      dryRun: false,
      mode: 'stale',
      onJudged: (p, reason) => judged.set(path.basename(p), reason)
    })

    expect(Object.fromEntries(judged)).toEqual({ [`x.${otherTag}.pyc`]: 'other interpreter' })
    // What the venv's own interpreter would read is exactly what stayed.
    expect(await fs.readdir(path.join(lib, '__pycache__'))).toEqual([wanted])
  })

  it('is stale below a root that lies inside a venv (path: .venv/lib/…), as the venv names it', async () => {
    const { venv, lib, otherTag, wanted } = await venvWithTwoTags('lib/site/m')
    const judged = new Map<string, string>()
    await cleanListing(path.join(venv, 'lib', 'site'), {
      dryRun: false,
      mode: 'stale',
      onJudged: (p, reason) => judged.set(path.basename(p), reason)
    })

    expect(Object.fromEntries(judged)).toEqual({ [`x.${otherTag}.pyc`]: 'other interpreter' })
    expect(await fs.readdir(path.join(lib, '__pycache__'))).toEqual([wanted])
  })
})

/** CPython before PEP 552 (3.3–3.6 write a 12-byte header: magic, mtime, size). */
const oldPythons = pyenvPythons([3, 3]).filter(p => /\/3\.[3-6]\./.test(p))
const describeOld = oldPythons.length > 0 ? describe : describe.skip
if (oldPythons.length === 0)
  console.log('stale.test.ts: no CPython 3.3–3.6; old header test skipped.')

describeOld('mode: stale on the 12-byte headers of CPython 3.3–3.6', () => {
  it.each(oldPythons.map(p => [p]))(
    '%s: a current file stays, an edited one goes',
    async python => {
      const root = await temp()
      await fs.writeFile(path.join(root, 'kept.py'), 'k = 1\n')
      await fs.writeFile(path.join(root, 'edited.py'), 'e = 1\n')
      const env = writingEnv()
      execFileSync(python, ['-m', 'compileall', '-q', root], { env })
      await fs.writeFile(path.join(root, 'edited.py'), 'e = 22\n')
      const judged = new Map<string, string>()
      await cleanListing(root, {
        dryRun: true,
        mode: 'stale',
        onJudged: (p, reason) => judged.set(path.basename(p).split('.')[0], reason)
      })
      expect(Object.fromEntries(judged)).toEqual({ edited: 'source changed' })
      // The interpreter itself: it loads kept's file ("matches") and rejects edited's.
      const said = spawnSync(python, ['-v', '-c', 'import kept, edited'], {
        cwd: root,
        env,
        encoding: 'utf8'
      }).stderr
      expect(said).toMatch(/kept\.cpython-3\d\.pyc matches/)
      expect(said).not.toMatch(/edited\.cpython-3\d\.pyc matches/)
    }
  )
})

describePython('mode: stale and a __pycache__ that is a symlink', () => {
  it('keeps the link Python reads current bytecode through, and says why; mode all removes it', async () => {
    for (const mode of ['stale', 'all'] as const) {
      const root = await temp()
      // Outside the root: a target inside it would be walked on its own, as a plain directory.
      const shared = await temp()
      await fs.mkdir(path.join(root, 'pkg'))
      await fs.writeFile(path.join(root, 'pkg', 'm.py'), 'x = 1\n')
      await fs.symlink(shared, path.join(root, 'pkg', '__pycache__'))
      const load = ['-v', '-c', 'import sys; sys.path.insert(0, "pkg"); import m']
      execFileSync('python3', load, { cwd: root, env: writingEnv(), stdio: 'ignore' })
      const [pyc] = await fs.readdir(shared)
      // The interpreter itself reads it through the link.
      const said = spawnSync('python3', load, { cwd: root, env: writingEnv(), encoding: 'utf8' })
      expect(said.stderr).toContain(`${pyc} matches`)

      const result = await cleanListing(root, { dryRun: false, mode })

      const link = path.join(root, 'pkg', '__pycache__')
      const linkLeft = await fs.lstat(link).then(
        s => s.isSymbolicLink(),
        () => false
      )
      expect([mode, linkLeft]).toEqual([mode, mode === 'stale'])
      expect(await fs.readdir(shared)).toEqual([pyc])
      expect(result.kept.filter(k => k.path === link).map(k => k.reason)).toEqual(
        mode === 'stale'
          ? [
              "a symlink: 'mode: stale' does not follow it to judge the bytecode Python reads through it"
            ]
          : []
      )
    }
  })
})
