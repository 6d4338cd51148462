/**
 * The removal rules of issue 2 ("What is removed, exactly"), end to end through cleanRoot (the
 * walk handing its targets to the remover) on real temporary trees: one test per rule, each
 * comparing the tree before and after a real run.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { listTree, type TreeSpec, tempTrees } from '../__fixtures__/tree.js'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'
import { debrisMatcher } from '../src/debris.js'
import type { ScanOptions } from '../src/scan.js'

/**
 * A real clean. Legacy `NAME.pyc` files here have no `NAME.py` beside them and stand for
 * bytecode in general, so sourceless modules are not kept (`sourceless.test.ts` covers that).
 */
async function clean(root: string, overrides: Partial<ScanOptions> = {}): Promise<ListedResult> {
  return cleanListing(root, { keepSourceless: false, ...overrides, dryRun: false })
}

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

describe('what is removed', () => {
  it('*.pyc and *.pyo anywhere, including legacy ones beside their .py', async () => {
    const root = await tree({
      'a.py': '',
      'a.pyc': 'x',
      'b.py': '',
      'b.pyo': 'x',
      'pkg/deep/c.py': '',
      'pkg/deep/c.pyc': 'x',
      'pkg/__pycache__/c.cpython-312.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual(['a.py', 'b.py', 'pkg/', 'pkg/deep/', 'pkg/deep/c.py'])
    expect(result).toMatchObject({ filesRemoved: 4, dirsRemoved: 1, failures: [] })
  })

  it('any optimisation level and interpreter tag: x.opt-1.pyc, x.cpython-312.opt-2.pyc', async () => {
    const root = await tree({
      'x.opt-1.pyc': 'x',
      'x.py': '',
      '__pycache__/x.cpython-312.opt-2.pyc': 'x',
      '__pycache__/x.pypy310.opt-1.pyc': 'x',
      '__pycache__/x.cpython-27.pyo': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual(['x.py'])
    expect(result).toMatchObject({ filesRemoved: 4, dirsRemoved: 1, failures: [] })
  })

  it('a *.pyc symlink is removed as a link; its target outside the root is untouched', async () => {
    const outside = await tree({ 'target.pyc': 'outside bytecode', 'dir.pyc/keep.pyc': 'x' })
    const root = await tree({
      'link.pyc': { link: path.join(outside, 'target.pyc') },
      'dirlink.pyc': { link: path.join(outside, 'dir.pyc') }
    })
    const outsideBefore = await listTree(outside)
    const result = await clean(root)
    expect(await listTree(root)).toEqual([])
    expect(await listTree(outside)).toEqual(outsideBefore)
    expect(await fs.readFile(path.join(outside, 'target.pyc'), 'utf8')).toBe('outside bytecode')
    expect(result).toMatchObject({ filesRemoved: 2, failures: [] })
  })

  it('a dangling *.pyc symlink is removed', async () => {
    const root = await tree({ 'a.py': '', 'dangling.pyc': { link: 'nowhere/missing.pyc' } })
    expect(await listTree(root)).toEqual(['a.py', 'dangling.pyc@'])
    const result = await clean(root)
    expect(await listTree(root)).toEqual(['a.py'])
    expect(result).toMatchObject({ filesRemoved: 1, failures: [] })
  })

  it('a symlink named __pycache__ is removed as a link and never entered', async () => {
    const outside = await tree({ 'pkg/__pycache__/m.cpython-312.pyc': 'x', 'pkg/m.py': '' })
    const root = await tree({
      'pkg/__pycache__': { link: path.join(outside, 'pkg', '__pycache__') },
      'pkg/m.py': ''
    })
    const outsideBefore = await listTree(outside)
    const result = await clean(root)
    expect(await listTree(root)).toEqual(['pkg/', 'pkg/m.py'])
    expect(await listTree(outside)).toEqual(outsideBefore)
    expect(outsideBefore).toContain('pkg/__pycache__/m.cpython-312.pyc')
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 0, failures: [] })
  })

  it('a __pycache__ nested in a __pycache__ goes with its parent in one run', async () => {
    const root = await tree({
      'a/__pycache__/m.cpython-312.pyc': 'x',
      'a/__pycache__/__pycache__/n.cpython-312.pyc': 'yy',
      'a/__pycache__/__pycache__/__pycache__/': null,
      // The inner one holds something else: it stays, and so does its parent.
      'b/__pycache__/m.cpython-312.pyc': 'x',
      'b/__pycache__/__pycache__/notes.txt': 'keep',
      'b/__pycache__/__pycache__/n.cpython-312.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual([
      'a/',
      'b/',
      'b/__pycache__/',
      'b/__pycache__/__pycache__/',
      'b/__pycache__/__pycache__/notes.txt'
    ])
    expect(result).toMatchObject({ filesRemoved: 4, dirsRemoved: 3, bytesFreed: 5, failures: [] })
    // Nothing is left for a second run.
    expect(await clean(root)).toMatchObject({ filesRemoved: 0, dirsRemoved: 0, bytesFreed: 0 })
  })

  it('never a directory named x.pyc, nor its contents that are not bytecode', async () => {
    const root = await tree({
      'x.pyc/data.txt': 'keep',
      'x.pyc/sub/y.pyo/z.txt': 'keep',
      'x.pyc/inner.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual([
      'x.pyc/',
      'x.pyc/data.txt',
      'x.pyc/sub/',
      'x.pyc/sub/y.pyo/',
      'x.pyc/sub/y.pyo/z.txt'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 0, failures: [] })
  })

  it('never a regular file named __pycache__', async () => {
    const root = await tree({ __pycache__: 'a file', 'pkg/__pycache__': 'another file' })
    const before = await listTree(root)
    const result = await clean(root)
    expect(await listTree(root)).toEqual(before)
    expect(result).toMatchObject({ filesRemoved: 0, dirsRemoved: 0, failures: [] })
  })

  it('never .py, .pyd, .so or x.pyc.bak', async () => {
    const root = await tree({
      'm.py': '',
      'm.pyd': '',
      'm.cpython-312-x86_64-linux-gnu.so': '',
      'x.pyc.bak': '',
      'x.pyo~': '',
      pyc: '',
      '__pycache__/m.py': '',
      '__pycache__/x.pyc.bak': '',
      '__pycache__/gone.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual([
      '__pycache__/',
      '__pycache__/m.py',
      '__pycache__/x.pyc.bak',
      'm.cpython-312-x86_64-linux-gnu.so',
      'm.py',
      'm.pyd',
      'pyc',
      'x.pyc.bak',
      'x.pyo~'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 0, failures: [] })
  })

  it('never anything inside an excluded directory', async () => {
    const root = await tree({
      'node_modules/pkg/__pycache__/a.pyc': 'x',
      'web/node_modules/b.pyc': 'x',
      '.git/hooks/c.pyc': 'x',
      'src/__pycache__/d.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual([
      '.git/',
      '.git/hooks/',
      '.git/hooks/c.pyc',
      'node_modules/',
      'node_modules/pkg/',
      'node_modules/pkg/__pycache__/',
      'node_modules/pkg/__pycache__/a.pyc',
      'src/',
      'web/',
      'web/node_modules/',
      'web/node_modules/b.pyc'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, failures: [] })
  })

  it('never anything reached through a directory symlink', async () => {
    const outside = await tree({
      'a.pyc': 'x',
      '__pycache__/b.pyc': 'x',
      'pkg/__pycache__/c.pyc': 'x',
      'pkg/d.pyo': 'x'
    })
    const root = await tree({
      linkdir: { link: outside },
      pkglink: { link: path.join(outside, 'pkg') }
    })
    const outsideBefore = await listTree(outside)
    const result = await clean(root)
    expect(await listTree(outside)).toEqual(outsideBefore)
    expect(await listTree(root)).toEqual(['linkdir@', 'pkglink@'])
    expect(result).toMatchObject({ filesRemoved: 0, dirsRemoved: 0, failures: [] })
  })

  it('a symlink loop does not break the run', async () => {
    const root = await tree({
      loop: { link: '..' },
      'pkg/self': { link: '.' },
      'pkg/up': { link: '../pkg' },
      'pkg/__pycache__/a.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual(['loop@', 'pkg/', 'pkg/self@', 'pkg/up@'])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, failures: [] })
  })

  it('names with spaces, a newline and non-ASCII characters are removed', async () => {
    const root = await tree({
      'with space.pyc': 'x',
      'new\nline.pyc': 'x',
      'é.pyc': 'x',
      '日本/__pycache__/日本.cpython-312.pyc': 'x',
      'a b/__pycache__/c d.pyc': 'x',
      'a b/c d.py': '',
      'new\nline/__pycache__/x.pyo': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual(['a b/', 'a b/c d.py', 'new\nline/', '日本/'])
    expect(result).toMatchObject({ filesRemoved: 6, dirsRemoved: 3, failures: [] })
  })

  it.each(['.venv', 'venv', '.tox/py312', '.direnv/python-3.12'])(
    'a virtual environment (%s, holding pyvenv.cfg) is skipped unless include-venvs is true',
    async venv => {
      const spec: TreeSpec = {
        [`${venv}/pyvenv.cfg`]: 'home = /usr/bin',
        [`${venv}/lib/python3.12/site-packages/pkg/__pycache__/m.cpython-312.pyc`]: 'x',
        [`${venv}/lib/python3.12/site-packages/pkg/m.py`]: ''
      }
      const skipped = await tree(spec)
      const before = await listTree(skipped)
      const kept = await clean(skipped, { includeVenvs: false })
      expect(await listTree(skipped)).toEqual(before)
      expect(kept).toMatchObject({ filesRemoved: 0, dirsRemoved: 0, failures: [] })

      const entered = await tree(spec)
      const cleaned = await clean(entered, { includeVenvs: true })
      const pycache = `${venv}/lib/python3.12/site-packages/pkg/__pycache__/`
      expect(await listTree(entered)).toEqual(
        before.filter(p => p !== pycache && p !== `${pycache}m.cpython-312.pyc`)
      )
      expect(before).toContain(pycache)
      expect(cleaned).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, failures: [] })
    }
  )

  it('the standard library package named venv (no pyvenv.cfg) is cleaned', async () => {
    const root = await tree({
      'lib/python3.12/venv/__init__.py': '',
      'lib/python3.12/venv/__pycache__/x.pyc': 'x'
    })
    const result = await clean(root)
    expect(await listTree(root)).toEqual([
      'lib/',
      'lib/python3.12/',
      'lib/python3.12/venv/',
      'lib/python3.12/venv/__init__.py'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, failures: [] })
  })

  it('a root that is itself a virtual environment is cleaned', async () => {
    const root = await tree(
      {
        'pyvenv.cfg': 'home = /usr/bin',
        'lib/python3.12/site-packages/pkg/__pycache__/m.cpython-312.pyc': 'x',
        'lib/python3.12/site-packages/pkg/m.py': ''
      },
      '.venv'
    )
    const result = await clean(root)
    expect(await listTree(root)).toEqual([
      'lib/',
      'lib/python3.12/',
      'lib/python3.12/site-packages/',
      'lib/python3.12/site-packages/pkg/',
      'lib/python3.12/site-packages/pkg/m.py',
      'pyvenv.cfg'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, failures: [] })
  })

  it('another root of the same run is not entered', async () => {
    const root = await tree({
      'a/__pycache__/x.pyc': 'x',
      'b/__pycache__/y.pyc': 'x',
      'b/c.pyc': 'x'
    })
    const result = await clean(root, { otherRoots: new Set([path.join(root, 'b')]) })
    expect(await listTree(root)).toEqual([
      'a/',
      'b/',
      'b/__pycache__/',
      'b/__pycache__/y.pyc',
      'b/c.pyc'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, failures: [] })
  })

  it('the root directory is never removed, even when named __pycache__', async () => {
    const root = await tree({ 'a.pyc': 'x', 'b.cpython-312.pyc': 'x' }, '__pycache__')
    const result = await clean(root)
    expect((await fs.lstat(root)).isDirectory()).toBe(true)
    expect(await listTree(root)).toEqual([])
    expect(result).toMatchObject({ filesRemoved: 2, dirsRemoved: 0, failures: [] })
    expect(result.removed).not.toContain(root)

    const empty = await tree({}, 'pkg/__pycache__')
    const none = await clean(empty)
    expect((await fs.lstat(empty)).isDirectory()).toBe(true)
    expect(none).toMatchObject({ filesRemoved: 0, dirsRemoved: 0, failures: [] })
  })
})

describe('names that are not valid UTF-8 (Linux: names are bytes)', () => {
  const describeLinux = process.platform === 'linux' ? describe : describe.skip
  describeLinux('are reported as errors, never skipped silently, and dry run agrees', () => {
    it('a bytecode file, a directory, and a debris directory holding one', async () => {
      const build = async (): Promise<string> => {
        const root = await tree({ 'pkg/__pycache__/ok.pyc': 'x', '.pytest_cache/v/fine': 'y' })
        // Latin-1 é (0xE9) in a name: not UTF-8.
        const latin1 = (dir: string, name: string): Buffer =>
          Buffer.concat([Buffer.from(dir + path.sep), Buffer.from(name, 'latin1')])
        await fs.writeFile(latin1(path.join(root, 'pkg', '__pycache__'), 'caf\xe9.pyc'), 'z')
        await fs.mkdir(latin1(root, 'd\xe9j\xe0'))
        await fs.writeFile(latin1(path.join(root, '.pytest_cache', 'v'), 'caf\xe9'), 'w')
        return root
      }
      const dryRoot = await build()
      const realRoot = await build()
      const run = (root: string, dryRun: boolean): Promise<ListedResult> =>
        cleanListing(root, { dryRun, debris: debrisMatcher(['pytest']) })
      const dry = await run(dryRoot, true)
      const real = await run(realRoot, false)

      for (const r of [dry, real]) {
        expect(
          r.failures.map(f => [path.relative(r.root, f.path), f.operation, f.code]).sort()
        ).toEqual([
          ['.pytest_cache/v/caf\uFFFD', 'remove', 'EILSEQ'],
          ['d\uFFFDj\uFFFD', 'read', 'EILSEQ'],
          ['pkg/__pycache__/caf\uFFFD.pyc', 'remove', 'EILSEQ']
        ])
        // ok.pyc and .pytest_cache/v/fine go; the directories holding a bad name stay.
        expect([r.filesRemoved, r.dirsRemoved]).toEqual([2, 0])
      }
      expect(dry.removed.map(p => path.relative(dryRoot, p)).sort()).toEqual(
        real.removed.map(p => path.relative(realRoot, p)).sort()
      )
    })
  })
})
