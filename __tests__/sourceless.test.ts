// keep-sourceless: a legacy NAME.pyc with no NAME.py beside it is a module Python imports and
// nothing can rebuild. The rule on its own, then checked against real interpreters: each one
// compiles a package, loses a source, imports the sourceless module; after a clean the import
// must still work (and must fail once the module is removed with keep-sourceless: false).
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import { pythons as allPythons } from '../__fixtures__/pythons.js'
import { cleanListing } from '../__fixtures__/removal.js'
import { listTree, tempTrees } from '../__fixtures__/tree.js'
import { isSourceless } from '../src/sourceless.js'

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

describe('isSourceless', () => {
  const listing = new Set(['mod.py', 'gui.pyw', 'pair.py', 'other.txt'])
  const has = (n: string): boolean => listing.has(n)
  it.each([
    ['lonely.pyc', true],
    ['mod.pyc', false], // beside mod.py: a cache Python 3 never reads
    ['gui.pyc', process.platform !== 'win32'], // beside gui.pyw: a source only on Windows
    ['pair.pyo', false], // .pyo: Python 3 never imports it
    ['lonely.pyo', false],
    ['other.pyc', true], // other.txt is no source
    ['.pyc', false], // no module name
    // A tagged name is no module name import finds (a PYTHONPYCACHEPREFIX tree holds these).
    ['lonely.cpython-312.pyc', false],
    ['lonely.cpython-312.opt-1.pyc', false]
  ])('%s → %s', (name, expected) => {
    expect(isSourceless(name, has)).toBe(expected)
  })

  it('counts NAME.pyw as the source only on Windows, as importlib does', () => {
    expect(isSourceless('gui.pyc', has, 'win32')).toBe(false)
    expect(isSourceless('gui.pyc', has, 'linux')).toBe(true)
    expect(isSourceless('gui.pyc', has, 'darwin')).toBe(true)
  })
})

// python3, and each pyenv CPython (2.7 and 3.6–3.13 on these machines).
const pythons = allPythons()
const describePython = pythons.length > 0 ? describe : describe.skip
if (pythons.length === 0) console.log('sourceless.test.ts: no Python interpreter; skipped.')

/** Runs `python` with bytecode writing on (this machine exports PYTHONDONTWRITEBYTECODE=1). */
function py(
  python: string,
  cwd: string,
  ...args: string[]
): { status: number | null; out: string } {
  const env = { ...process.env }
  delete env.PYTHONDONTWRITEBYTECODE
  delete env.PYTHONPYCACHEPREFIX
  const r = spawnSync(python, args, { cwd, env, encoding: 'utf8' })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

/**
 * pkg/ with three modules compiled in place (legacy NAME.pyc beside NAME.py, as `compileall -b`
 * and Python 2 write them), then `lonely.py` deleted: `pkg/lonely.pyc` is now sourceless.
 */
const BUILD = `
import compileall, os, sys
root = sys.argv[1]
os.makedirs(os.path.join(root, 'pkg'))
for m in ['__init__', 'pair', 'lonely']:
    open(os.path.join(root, 'pkg', m + '.py'), 'w').write('name = %r\\n' % m)
if sys.version_info[0] >= 3:
    compileall.compile_dir(root, quiet=1, legacy=True)
    compileall.compile_dir(root, quiet=1)  # and __pycache__ too
else:
    compileall.compile_dir(root, quiet=1)
os.remove(os.path.join(root, 'pkg', 'lonely.py'))
`

const IMPORT =
  'import sys; sys.path.insert(0, sys.argv[1]); import pkg.lonely; print(pkg.lonely.name)'

describePython.each(pythons)('a sourceless module compiled by %s', python => {
  it('is imported before the clean, and still after it, in mode all and mode stale', async () => {
    for (const mode of ['all', 'stale'] as const) {
      const root = await tree({})
      const built = py(python, root, '-c', BUILD, root)
      expect(built).toMatchObject({ status: 0 })
      expect(py(python, root, '-c', IMPORT, root)).toEqual({ status: 0, out: 'lonely\n' })

      const dry = await cleanListing(root, { dryRun: true, mode })
      const result = await cleanListing(root, { dryRun: false, mode })

      expect(result.sourceless.map(p => path.relative(root, p))).toEqual([
        path.join('pkg', 'lonely.pyc')
      ])
      expect(dry.removed).toEqual(result.removed)
      const after = await listTree(root)
      // The legacy pair's .pyc went (Python reads pair.py); lonely.pyc stayed.
      expect(after).not.toContain('pkg/pair.pyc')
      expect(after).toContain('pkg/lonely.pyc')
      expect(py(python, root, '-c', IMPORT, root)).toEqual({ status: 0, out: 'lonely\n' })
    }
  })

  it("is removed with 'keep-sourceless: false', and then the import fails", async () => {
    const root = await tree({})
    expect(py(python, root, '-c', BUILD, root)).toMatchObject({ status: 0 })
    const result = await cleanListing(root, { dryRun: false, keepSourceless: false })
    expect(result.sourceless).toEqual([])
    const imported = py(python, root, '-c', IMPORT, root)
    expect(imported.status).not.toBe(0)
    expect(imported.out).toMatch(/(ModuleNotFoundError|ImportError): No module named/)
  })
})

const describePython3 = spawnSync('python3', ['--version']).status === 0 ? describe : describe.skip

const describePosixPython3 = process.platform !== 'win32' ? describePython3 : describe.skip

describePosixPython3('a NAME.pyc beside a NAME.pyw, outside Windows', () => {
  it('is the module Python imports (.pyw is no source here), so it stays in every mode', async () => {
    const build =
      'import py_compile, os, sys; d = sys.argv[1]; ' +
      "open(os.path.join(d, 'gui.py'), 'w').write('name = 1\\n'); " +
      "py_compile.compile(os.path.join(d, 'gui.py'), cfile=os.path.join(d, 'gui.pyc')); " +
      "os.rename(os.path.join(d, 'gui.py'), os.path.join(d, 'gui.pyw'))"
    const load = 'import sys; sys.path.insert(0, sys.argv[1]); import gui; print(gui.__file__)'
    for (const mode of ['all', 'stale'] as const) {
      const root = await tree({})
      expect(py('python3', root, '-c', build, root)).toMatchObject({ status: 0 })
      // The interpreter itself: it loads gui from gui.pyc.
      expect(py('python3', root, '-c', load, root)).toEqual({
        status: 0,
        out: `${path.join(root, 'gui.pyc')}\n`
      })
      const result = await cleanListing(root, { dryRun: false, mode })
      expect(result.sourceless).toEqual([path.join(root, 'gui.pyc')])
      expect(py('python3', root, '-c', load, root).status).toBe(0)
    }
  })
})

describePython3('a PYTHONPYCACHEPREFIX tree', () => {
  it('holds tagged names, which are no sourceless modules: mode all removes them all', async () => {
    const root = await tree({ 'src/pkg/__init__.py': '', 'src/pkg/mod.py': 'x = 1\n' })
    const prefix = path.join(root, 'prefix')
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPYCACHEPREFIX: prefix }
    delete env.PYTHONDONTWRITEBYTECODE
    const r = spawnSync(
      'python3',
      ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import pkg.mod', path.join(root, 'src')],
      { env, encoding: 'utf8' }
    )
    expect(r.status).toBe(0)
    // The standard library's caches land in the prefix too.
    const written = (await listTree(prefix)).filter(e => e.endsWith('.pyc'))
    expect(written.filter(e => /\/pkg\/(__init__|mod)\.cpython-\d+\.pyc$/.test(e))).toHaveLength(2)

    const result = await cleanListing(prefix, { dryRun: false })

    expect(result.sourceless).toEqual([])
    expect(result.filesRemoved).toBe(written.length)
    expect((await listTree(prefix)).filter(e => e.endsWith('.pyc'))).toEqual([])
  })
})
