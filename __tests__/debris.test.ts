/**
 * Issue 5, `debris`: tool caches and build leftovers, removed on request, on real trees through
 * cleanRoot. Each test compares the tree before and after, and the counts with what went.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'
import { listTree, type TreeSpec, tempTrees } from '../__fixtures__/tree.js'
import {
  EGG_INFO_KEPT,
  debrisMatcher,
  isTopic,
  TOPICS,
  type Place,
  type Topic
} from '../src/debris.js'
import { compileExcludes } from '../src/exclude.js'
import type { ScanOptions } from '../src/scan.js'
import { keptLine } from '../src/kept.js'

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

async function clean(
  root: string,
  topics: readonly Topic[],
  overrides: Partial<ScanOptions> & { dryRun?: boolean } = {}
): Promise<ListedResult> {
  return cleanListing(root, { dryRun: false, ...overrides, debris: debrisMatcher(topics) })
}

const rel = (root: string, p: string): string => path.relative(root, p).split(path.sep).join('/')

/** What each topic removes, and a look-alike it must leave. */
const CASES: ReadonlyArray<readonly [Topic, TreeSpec, string[]]> = [
  [
    'pytest',
    {
      '.pytest_cache/v/cache/nodeids': '[]',
      'sub/.pytest_cache/README.md': 'x',
      'pytest_cache/a': 'keep',
      // pytest --debug writes it where pytest runs: at any depth.
      'pytestdebug.log': 'x',
      'tests/pytestdebug.log': 'x',
      'pytestdebug.log.txt': 'keep',
      'my-pytestdebug.log': 'keep'
    },
    ['.pytest_cache/', 'sub/.pytest_cache/', 'pytestdebug.log', 'tests/pytestdebug.log']
  ],
  [
    'mypy',
    { '.mypy_cache/3.12/m.data.json': '{}', 'pkg/.dmypy.json': '{}', '.dmypy.json.bak': 'keep' },
    ['.mypy_cache/', 'pkg/.dmypy.json']
  ],
  ['ruff', { '.ruff_cache/0.6.0/123': 'x', '.ruff.toml': 'keep' }, ['.ruff_cache/']],
  ['hypothesis', { 'tests/.hypothesis/examples/ab/cd': 'x' }, ['tests/.hypothesis/']],
  [
    'jupyter',
    { 'nb/.ipynb_checkpoints/a-checkpoint.ipynb': '{}', 'nb/a.ipynb': 'keep' },
    ['nb/.ipynb_checkpoints/']
  ],
  [
    'coverage',
    {
      '.coverage': 'sqlite',
      '.coverage.host.123.456': 'x',
      'sub/.coverage': 'x',
      '.coveragerc': 'keep',
      // Reports directly under the root go; deeper, a file of that name can be data.
      'htmlcov/index.html': 'x',
      'htmlcov/.gitignore': '*',
      'coverage.xml': 'x',
      'coverage.json': 'x',
      'coverage.lcov': 'x',
      'sub/coverage.xml': 'keep',
      'src/pkg/coverage.json': 'keep',
      'src/htmlcov/index.html': 'keep',
      'coverage.xml.bak': 'keep'
    },
    [
      '.coverage',
      '.coverage.host.123.456',
      'sub/.coverage',
      'htmlcov/',
      'coverage.xml',
      'coverage.json',
      'coverage.lcov'
    ]
  ],
  [
    'tox',
    { '.tox/py312/pyvenv.cfg': 'home = /usr', '.tox/py312/lib/m.py': 'x', 'tox.ini': 'keep' },
    ['.tox/']
  ],
  ['nox', { '.nox/tests/bin/python': 'x', 'noxfile.py': 'keep' }, ['.nox/']],
  [
    'package',
    {
      'build/lib/pkg/m.py': 'x',
      'dist/pkg-1.0.tar.gz': 'x',
      // Deeper than directly under the root, build/ and dist/ are code.
      'src/pkg/dist/__init__.py': 'keep',
      'src/pkg/build/__init__.py': 'keep',
      // A file named like an egg-info directory is not one.
      'legacy.egg-info': 'keep',
      // Kept: possibly the metadata of a legacy editable install (see the test below).
      'pkg.egg-info/PKG-INFO': 'keep',
      'src/pkg.egg-info/SOURCES.txt': 'keep',
      // setuptools' setup_requires fetches, and pip 19.0-19.2's metadata directory.
      '.eggs/README.txt': 'x',
      '.eggs/wheel-0.43-py3.egg/m.py': 'x',
      'pip-wheel-metadata/pkg.dist-info/METADATA': 'x',
      'src/.eggs/data': 'keep',
      'src/pip-wheel-metadata/x': 'keep'
    },
    ['build/', 'dist/', '.eggs/', 'pip-wheel-metadata/']
  ],
  [
    'pyre',
    {
      '.pyre/server/server.stdout': 'x',
      'sub/.pyre/pyre.stderr': 'x',
      '.pyre_configuration': 'keep',
      'pyre/m.py': 'keep'
    },
    ['.pyre/', 'sub/.pyre/']
  ],
  [
    'pytype',
    {
      '.pytype/pyi/m.pyi': 'x',
      '.pytype/build.ninja': 'x',
      'pytype/m.py': 'keep',
      '.pytype.cfg': 'keep'
    },
    ['.pytype/']
  ],
  [
    'sphinx',
    {
      // docs/_build directly under the root, here with conf.py in docs/source.
      'docs/source/conf.py': 'keep',
      'docs/_build/html/index.html': 'x',
      // sphinx-quickstart's layout: _build beside conf.py, at any depth.
      'sub/manual/conf.py': 'keep',
      'sub/manual/_build/doctrees/x': 'x',
      // Deeper, docs/_build with no conf.py beside it is anyone's.
      'guide/docs/_build/x': 'keep',
      // _build with no conf.py beside it is anyone's.
      'src/_build/gen.py': 'keep',
      'src/other/conf.py.txt': 'keep',
      'src/other/_build/x': 'keep',
      'src/_build2/x': 'keep',
      // In an installation, conf.py is some package's module and _build its code.
      '.venv/lib/python3.12/site-packages/pkg/conf.py': 'keep',
      '.venv/lib/python3.12/site-packages/pkg/_build/__init__.py': 'keep'
    },
    ['docs/_build/', 'sub/manual/_build/']
  ]
]

/** Every entry at or below the listed tops, as listTree names them. */
function below(listing: readonly string[], tops: readonly string[]): string[] {
  return listing.filter(e => tops.some(t => e === t || (t.endsWith('/') && e.startsWith(t))))
}

describe('debris topics', () => {
  it('has a case for every topic, and action.yml and docs/behaviour.md list each in order', async () => {
    expect([...TOPICS]).toEqual(CASES.map(([t]) => t))
    const top = path.resolve(import.meta.dirname, '..')
    const yml = await fs.readFile(path.join(top, 'action.yml'), 'utf8')
    const listed = /\(([a-z, ]+)\), or all/.exec(yml.replace(/\s+/g, ' '))?.[1].split(', ')
    expect(listed).toEqual([...TOPICS])
    const docs = await fs.readFile(path.join(top, 'docs', 'behaviour.md'), 'utf8')
    const rows = [...docs.matchAll(/^\| `([a-z]+)` +\|/gm)].map(m => m[1])
    expect(rows).toEqual([...TOPICS])
    expect(isTopic('all')).toBe(false)
    expect(isTopic('toString')).toBe(false)
  })

  it.each(CASES)(
    '%s removes its directories whole and its files, nothing else',
    async (topic, spec, gone) => {
      const root = await tree(spec)
      const before = await listTree(root)
      const removed = below(before, gone)
      const files = removed.filter(e => !e.endsWith('/'))
      let bytes = 0
      for (const f of files) bytes += (await fs.lstat(path.join(root, f))).size

      const result = await clean(root, [topic])

      expect(await listTree(root)).toEqual(before.filter(e => !removed.includes(e)))
      expect(result).toMatchObject({
        filesRemoved: files.length,
        dirsRemoved: removed.length - files.length,
        bytesFreed: bytes,
        failures: []
      })
      // Only the package topic keeps something on purpose: its project .egg-info directories.
      expect(result.kept.map(k => rel(root, k.path)).sort()).toEqual(
        topic === 'package' ? ['pkg.egg-info', 'src/pkg.egg-info'] : []
      )
      expect(result.removed.map(p => rel(root, p)).sort()).toEqual(
        removed.map(e => e.replace(/\/$/, '')).sort()
      )
    }
  )

  it.each(CASES)(
    '%s: its debris stays when every other topic is asked for',
    async (topic, spec) => {
      const root = await tree(spec)
      const before = await listTree(root)
      await clean(
        root,
        TOPICS.filter(t => t !== topic)
      )
      expect(await listTree(root)).toEqual(before)
    }
  )

  it('removes the bytecode too, and counts both', async () => {
    const root = await tree({ '.pytest_cache/x': 'ab', 'pkg/__pycache__/m.pyc': 'abc' })
    const result = await clean(root, ['pytest'])
    expect(await listTree(root)).toEqual(['pkg/'])
    expect(result).toMatchObject({ filesRemoved: 2, dirsRemoved: 2, bytesFreed: 5 })
  })

  it('gives the same numbers in a dry run and deletes nothing', async () => {
    const spec: TreeSpec = {
      '.tox/py/lib/a.py': 'aaaa',
      '.tox/py/bin/python': { link: '/usr/bin/python3' },
      '.coverage': 'c',
      'build/x': 'x',
      'htmlcov/index.html': 'h',
      'coverage.xml': '<x/>',
      '.eggs/README.txt': 'r',
      '.pyre/log': 'l',
      '.pytype/pyi/m.pyi': 'p',
      'pytestdebug.log': 'd',
      'docs/_build/html/i.html': 'i'
    }
    const dry = await tree(spec)
    const real = await tree(spec)
    const before = await listTree(dry)
    const would = await clean(dry, [...TOPICS], { dryRun: true })
    const did = await clean(real, [...TOPICS])
    expect(await listTree(dry)).toEqual(before)
    // docs/ held only its _build/: without remove-empty it stays.
    expect(await listTree(real)).toEqual(['docs/'])
    expect(would.removed.map(p => rel(dry, p)).sort()).toEqual(
      did.removed.map(p => rel(real, p)).sort()
    )
    expect([would.filesRemoved, would.dirsRemoved, would.bytesFreed]).toEqual([
      did.filesRemoved,
      did.dirsRemoved,
      did.bytesFreed
    ])
    expect(did).toMatchObject({ filesRemoved: 11, dirsRemoved: 12 })
  })

  it('removes a venv inside .tox (asked for by name) but still skips other venvs', async () => {
    const root = await tree({
      '.tox/py312/pyvenv.cfg': 'home',
      '.tox/py312/lib/site-packages/p/__init__.py': '',
      '.venv/pyvenv.cfg': 'home',
      '.venv/lib/.pytest_cache/x': 'x'
    })
    const result = await clean(root, ['tox', 'pytest'])
    expect(await listTree(root)).toEqual([
      '.venv/',
      '.venv/lib/',
      '.venv/lib/.pytest_cache/',
      '.venv/lib/.pytest_cache/x',
      '.venv/pyvenv.cfg'
    ])
    expect(result.venvs.map(p => rel(root, p))).toEqual(['.venv'])
  })

  it('never follows a link: a link named like a debris directory goes as a link, its target stays', async () => {
    const outside = await tree({ 'cache/keep.txt': 'outside', 'data.txt': 'outside' })
    const root = await tree({
      '.pytest_cache': { link: path.join(outside, 'cache') },
      '.mypy_cache/escape': { link: path.join(outside, 'cache') },
      '.mypy_cache/data': { link: path.join(outside, 'data.txt') }
    })
    const result = await clean(root, ['pytest', 'mypy'])
    expect(await listTree(root)).toEqual([])
    expect(await listTree(outside)).toEqual(['cache/', 'cache/keep.txt', 'data.txt'])
    expect(result).toMatchObject({ filesRemoved: 3, dirsRemoved: 1, failures: [] })
  })

  it('applies excludes: an excluded debris directory, or an excluded directory inside one, stays', async () => {
    const root = await tree({
      'node_modules/.pytest_cache/x': 'x',
      '.tox/keep/data': 'x',
      '.tox/py/lib/a': 'x'
    })
    const result = await clean(root, ['pytest', 'tox'], {
      exclude: compileExcludes(['node_modules', '/.tox/keep'])
    })
    expect(await listTree(root)).toEqual([
      '.tox/',
      '.tox/keep/',
      '.tox/keep/data',
      'node_modules/',
      'node_modules/.pytest_cache/',
      'node_modules/.pytest_cache/x'
    ])
    expect(
      result.kept.map(k =>
        keptLine(k)
          .split(root + path.sep)
          .join('')
      )
    ).toEqual(['.tox: holds a directory that is excluded or another root'])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 2, failures: [] })
  })

  it('removes build/ and dist/ directly under each root, never the root itself', async () => {
    const root = await tree({ 'build/x': 'x', 'inner/build/y': 'y' })
    const result = await clean(path.join(root, 'build'), ['package'])
    // The root named build is a root: only what is below it can go, and nothing there matches.
    expect(result.filesRemoved).toBe(0)
    const inner = await clean(path.join(root, 'inner'), ['package'])
    expect(inner).toMatchObject({ filesRemoved: 1, dirsRemoved: 1 })
    expect(await listTree(root)).toEqual(['build/', 'build/x', 'inner/'])
  })

  it('removes a __pycache__ holding a debris directory in the same run (idempotent)', async () => {
    const root = await tree({
      'pkg/__pycache__/m.pyc': 'x',
      'pkg/__pycache__/.pytest_cache/v/x': 'y'
    })
    const first = await clean(root, ['pytest'])
    expect(await listTree(root)).toEqual(['pkg/'])
    expect(first).toMatchObject({ filesRemoved: 2, dirsRemoved: 3, kept: [] })
    const second = await clean(root, ['pytest'])
    expect(second).toMatchObject({ filesRemoved: 0, dirsRemoved: 0 })
  })

  it('keeps every .egg-info: installed metadata silently, a project one with a note', async () => {
    const spec = {
      'lib/python3.12/site-packages/dep-1.0.egg-info/PKG-INFO': 'installed',
      'src/mine.egg-info/PKG-INFO': 'leftover, or a legacy editable install',
      'build/lib/mine/m.py': 'x'
    }
    const root = await tree(spec)
    const result = await clean(root, ['package'])
    expect(await listTree(root)).toEqual([
      'lib/',
      'lib/python3.12/',
      'lib/python3.12/site-packages/',
      'lib/python3.12/site-packages/dep-1.0.egg-info/',
      'lib/python3.12/site-packages/dep-1.0.egg-info/PKG-INFO',
      'src/',
      'src/mine.egg-info/',
      'src/mine.egg-info/PKG-INFO'
    ])
    expect(result.kept).toEqual([
      { path: path.join(root, 'src', 'mine.egg-info'), reason: EGG_INFO_KEPT }
    ])
    // build/, build/lib/, build/lib/mine/ and the one file.
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 3 })
  })

  it('removes fifos and sockets inside a debris directory', async () => {
    const root = await tree({ '.hypothesis/x': 'x' })
    execFileSync('mkfifo', [path.join(root, '.hypothesis', 'pipe')])
    const result = await clean(root, ['hypothesis'])
    expect(await listTree(root)).toEqual([])
    expect(result).toMatchObject({ filesRemoved: 2, dirsRemoved: 1, failures: [] })
  })
})

/** A root, and a directory below one, that hold no files. */
const AT_ROOT: Place = { rel: '', hasFile: () => false }
const BELOW: Place = { rel: 'src', hasFile: () => false }

describe('debrisMatcher', () => {
  it('matches nothing with no topic', () => {
    const m = debrisMatcher([])
    expect(m.none).toBe(true)
    expect(m.dirTopic('.pytest_cache', AT_ROOT)).toBeUndefined()
    expect(m.fileTopic('.coverage', AT_ROOT)).toBeUndefined()
  })

  it.each([
    ['.coverage.', false],
    ['.coverage.x', true],
    ['.coverage', true],
    ['x.coverage', false]
  ])('coverage file %j: %s', (name, expected) => {
    expect(debrisMatcher(['coverage']).fileTopic(name, BELOW) !== undefined).toBe(expected)
  })

  it.each([
    ['.egg-info', true, false],
    ['pkg.egg-info', false, false],
    ['build', true, true],
    ['build', false, false],
    ['dist', true, true],
    ['Build', true, false]
  ])('package directory %j (directly under the root: %s): %s', (name, underRoot, expected) => {
    const place = underRoot ? AT_ROOT : BELOW
    expect(debrisMatcher(['package']).dirTopic(name, place) !== undefined).toBe(expected)
  })

  it.each(['site-packages', 'dist-packages'])(
    'keeps an .egg-info in %s without a note: installed metadata',
    parent => {
      expect(debrisMatcher(['package']).dirTopic('pkg-1.0.egg-info', BELOW)).toBeUndefined()
      expect(debrisMatcher(['package']).keptDir('pkg-1.0.egg-info', parent)).toBeUndefined()
    }
  )

  it('keeps a project .egg-info with a note, only when the package topic is asked for', () => {
    expect(debrisMatcher(['package']).keptDir('pkg.egg-info', 'src')).toBe(EGG_INFO_KEPT)
    expect(debrisMatcher(['package']).keptDir('.egg-info', 'src')).toBeUndefined()
    expect(debrisMatcher(['pytest']).keptDir('pkg.egg-info', 'src')).toBeUndefined()
  })
})
