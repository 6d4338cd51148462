import { afterEach, describe, expect, it } from '@jest/globals'
import { rmSync } from 'node:fs'
import * as path from 'node:path'
import { listTree, type TreeSpec, tempTrees } from '../__fixtures__/tree.js'
import { compileExcludes } from '../src/exclude.js'
import { recordWalk, scanOptions, type Recorded } from '../__fixtures__/removal.js'
import { scanRoot, type Sink } from '../src/scan.js'
import { keptLine, type Kept } from '../src/kept.js'

/** The action's default scan options, with `overrides`. */
// Legacy NAME.pyc files here stand for bytecode in general (no NAME.py beside them): sourceless
// modules are not kept in these walks (sourceless.test.ts covers that).
const options = (overrides: Parameters<typeof scanOptions>[0] = {}) =>
  scanOptions({ keepSourceless: false, ...overrides })

/** `/`-separated path of `p` relative to `root` ('' for the root itself). */
function rel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/')
}

interface Group {
  dir: string
  files: string[]
  removeDir: boolean
}

function byDir(list: Group[]): Group[] {
  return [...list].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))
}

/** The groups of a scan, relative to its root, in a stable order (the scan gives none). */
function groups(scan: Recorded): Group[] {
  return byDir(
    scan.groups.map(g => ({
      dir: rel(scan.root, g.dir),
      files: [...g.files].sort(),
      removeDir: g.removeDir
    }))
  )
}

function rels(root: string, paths: readonly string[]): string[] {
  return paths.map(p => rel(root, p)).sort()
}

/** `kept` notes (`path: why`) with the path made relative to `root`. */
function keptNotes(root: string, notes: readonly Kept[]): string[] {
  return notes
    .map(note =>
      keptLine(note)
        .split(root + path.sep)
        .join('')
    )
    .sort()
}

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

describe('scanRoot', () => {
  it('groups bytecode by directory and marks __pycache__ directories that can go', async () => {
    const root = await tree({
      'a.py': 'print(1)',
      'a.pyc': 'x',
      'b.pyo': 'x',
      'src/main.py': 'pass',
      'pkg/__init__.py': '',
      'pkg/__pycache__/__init__.cpython-312.pyc': 'x',
      'pkg/__pycache__/m.cpython-312.opt-1.pyc': 'x',
      'empty/__pycache__': null,
      'mixed/__pycache__/x.pyc': 'x',
      'mixed/__pycache__/notes.txt': 'keep me'
    })
    const before = await listTree(root)

    const scan = await recordWalk(root, options())

    expect(scan.root).toBe(root)
    expect(groups(scan)).toEqual([
      { dir: '', files: ['a.pyc', 'b.pyo'], removeDir: false },
      { dir: 'empty/__pycache__', files: [], removeDir: true },
      { dir: 'mixed/__pycache__', files: ['x.pyc'], removeDir: false },
      {
        dir: 'pkg/__pycache__',
        files: ['__init__.cpython-312.pyc', 'm.cpython-312.opt-1.pyc'],
        removeDir: true
      }
    ])
    expect(keptNotes(root, scan.kept)).toEqual([
      'mixed/__pycache__: holds entries that are not bytecode'
    ])
    expect(scan.failures).toEqual([])
    expect(scan.venvs).toEqual([])
    expect(scan.excluded).toEqual([])
    // Scanning deletes nothing.
    expect(await listTree(root)).toEqual(before)
  })

  it('counts every directory entry it reads', async () => {
    const root = await tree({
      'a.pyc': 'x',
      'pkg/__pycache__/m.pyc': 'x',
      'pkg/m.py': '',
      'deep/er/still/x.py': '',
      empty: null
    })
    const scan = await recordWalk(root, options())
    // Nothing excluded and no venv: the scan reads exactly what listTree lists.
    expect(scan.entries).toBe((await listTree(root)).length)
  })

  it('finds nothing in a tree without bytecode', async () => {
    const root = await tree({ 'a.py': '', 'lib/b.py': '', 'lib/c.so': '', 'lib/d.pyd': '' })
    const scan = await recordWalk(root, options())
    expect(scan.groups).toEqual([])
    expect(scan.kept).toEqual([])
    expect(scan.failures).toEqual([])
  })

  it('does not enter excluded directories, at any depth, and lists them', async () => {
    const root = await tree({
      '.git/objects/x.pyc': 'x',
      'node_modules/pkg/__pycache__/a.pyc': 'x',
      'web/node_modules/pkg/b.pyc': 'x',
      'web/node_modules_not/c.pyc': 'x',
      'src/__pycache__/d.pyc': 'x'
    })
    const scan = await recordWalk(root, options())

    expect(groups(scan)).toEqual([
      { dir: 'src/__pycache__', files: ['d.pyc'], removeDir: true },
      { dir: 'web/node_modules_not', files: ['c.pyc'], removeDir: false }
    ])
    expect(rels(root, scan.excluded)).toEqual(['.git', 'node_modules', 'web/node_modules'])
    // An excluded directory is an entry of its parent, but nothing below it is read.
    const below = /^(\.git|node_modules|web\/node_modules)\/./
    expect(scan.entries).toBe((await listTree(root)).filter(p => !below.test(p)).length)
  })

  it('matches a pattern with a slash against the path below the root', async () => {
    const root = await tree({
      'docs/build/__pycache__/a.pyc': 'x',
      'other/docs/build/b.pyc': 'x'
    })
    const scan = await recordWalk(root, options({ exclude: compileExcludes(['/docs/build']) }))
    expect(groups(scan)).toEqual([{ dir: 'other/docs/build', files: ['b.pyc'], removeDir: false }])
    expect(rels(root, scan.excluded)).toEqual(['docs/build'])
  })

  it('applies excludes below the root only, never to the root itself', async () => {
    const root = await tree({ 'a.pyc': 'x', '__pycache__/b.pyc': 'x' }, 'node_modules')
    const scan = await recordWalk(root, options())
    expect(groups(scan)).toEqual([
      { dir: '', files: ['a.pyc'], removeDir: false },
      { dir: '__pycache__', files: ['b.pyc'], removeDir: true }
    ])
    expect(scan.excluded).toEqual([])
  })

  it.each(['.venv', 'venv', '.tox/py312', '.direnv/python-3.12'])(
    'skips the virtual environment %s (it holds pyvenv.cfg) unless includeVenvs',
    async venv => {
      const spec: TreeSpec = {
        [`${venv}/pyvenv.cfg`]: 'home = /usr/bin',
        [`${venv}/lib/python3.12/site-packages/pkg/__pycache__/m.cpython-312.pyc`]: 'x',
        'app/__pycache__/a.pyc': 'x'
      }
      const root = await tree(spec)

      const skipped = await recordWalk(root, options())
      expect(rels(root, skipped.venvs)).toEqual([venv])
      expect(groups(skipped)).toEqual([
        { dir: 'app/__pycache__', files: ['a.pyc'], removeDir: true }
      ])

      const entered = await recordWalk(root, options({ includeVenvs: true }))
      expect(entered.venvs).toEqual([])
      expect(groups(entered)).toEqual(
        byDir([
          {
            dir: `${venv}/lib/python3.12/site-packages/pkg/__pycache__`,
            files: ['m.cpython-312.pyc'],
            removeDir: true
          },
          { dir: 'app/__pycache__', files: ['a.pyc'], removeDir: true }
        ])
      )
    }
  )

  it('cleans the standard library package named venv (no pyvenv.cfg)', async () => {
    const root = await tree({
      'lib/python3.12/venv/__pycache__/x.pyc': 'x',
      'lib/python3.12/venv/__init__.py': ''
    })
    const scan = await recordWalk(root, options())
    expect(scan.venvs).toEqual([])
    expect(groups(scan)).toEqual([
      { dir: 'lib/python3.12/venv/__pycache__', files: ['x.pyc'], removeDir: true }
    ])
  })

  it('cleans a root that is itself a virtual environment', async () => {
    const root = await tree(
      { 'pyvenv.cfg': 'home = /usr/bin', 'lib/python3.12/site-packages/__pycache__/m.pyc': 'x' },
      '.venv'
    )
    const scan = await recordWalk(root, options())
    expect(scan.venvs).toEqual([])
    expect(groups(scan)).toEqual([
      { dir: 'lib/python3.12/site-packages/__pycache__', files: ['m.pyc'], removeDir: true }
    ])
  })

  it('does not enter another root of the same run', async () => {
    const root = await tree({ 'a/__pycache__/x.pyc': 'x', 'b/__pycache__/y.pyc': 'x' })
    const scan = await recordWalk(root, options({ otherRoots: new Set([path.join(root, 'b')]) }))
    expect(groups(scan)).toEqual([{ dir: 'a/__pycache__', files: ['x.pyc'], removeDir: true }])
    expect(scan.excluded).toEqual([])
  })

  it('targets symlinks by name, as links, and never follows a link', async () => {
    const outside = await tree({
      'target.pyc': 'outside',
      '__pycache__/o.pyc': 'x',
      'pkg/__pycache__/p.pyc': 'x'
    })
    const root = await tree({
      'link.pyc': { link: path.join(outside, 'target.pyc') },
      'dangling.pyc': { link: path.join(outside, 'missing.pyc') },
      'pkg/__pycache__': { link: path.join(outside, '__pycache__') },
      linkdir: { link: path.join(outside, 'pkg') },
      loop: { link: '..' },
      'notes.txt': { link: path.join(outside, 'target.pyc') }
    })
    const scan = await recordWalk(root, options())
    expect(groups(scan)).toEqual([
      { dir: '', files: ['dangling.pyc', 'link.pyc'], removeDir: false },
      { dir: 'pkg', files: ['__pycache__'], removeDir: false }
    ])
    expect(scan.failures).toEqual([])
    expect(scan.kept).toEqual([])
  })

  it('does not target a directory named x.pyc or a regular file named __pycache__', async () => {
    const root = await tree({
      'x.pyc/data.txt': 'not bytecode',
      'x.pyc/__pycache__/inner.pyc': 'x',
      'pkg/__pycache__': 'a regular file',
      'pkg/a.pyc.bak': 'x'
    })
    const scan = await recordWalk(root, options())
    // The directory x.pyc is walked like any other, so bytecode inside it is still found.
    expect(groups(scan)).toEqual([
      { dir: 'x.pyc/__pycache__', files: ['inner.pyc'], removeDir: true }
    ])
  })

  it('keeps a __pycache__ holding a subdirectory, and still looks inside it', async () => {
    const root = await tree({ '__pycache__/a.pyc': 'x', '__pycache__/sub/b.pyc': 'x' })
    const scan = await recordWalk(root, options())
    expect(groups(scan)).toEqual([
      { dir: '__pycache__', files: ['a.pyc'], removeDir: false },
      { dir: '__pycache__/sub', files: ['b.pyc'], removeDir: false }
    ])
    expect(keptNotes(root, scan.kept)).toEqual(['__pycache__: holds entries that are not bytecode'])
  })

  it('never marks the root for removal, even when it is named __pycache__', async () => {
    const root = await tree({ 'a.pyc': 'x' }, '__pycache__')
    const scan = await recordWalk(root, options())
    expect(groups(scan)).toEqual([{ dir: '', files: ['a.pyc'], removeDir: false }])
    expect(scan.kept).toEqual([])
  })

  it('returns no failure for a root that does not exist (it vanished)', async () => {
    const root = await tree({})
    const scan = await recordWalk(path.join(root, 'gone'), options())
    expect(scan).toMatchObject({ groups: [], failures: [], entries: 0 })
  })

  it('finishes on a deep and wide tree, and reads every entry once', async () => {
    const deep = Array.from({ length: 60 }, (_, i) => `d${i}`).join('/')
    const spec: TreeSpec = {}
    for (let i = 0; i < 20; i++) spec[`wide${i}/__pycache__/m.pyc`] = 'x'
    spec[`${deep}/__pycache__/deep.pyc`] = 'x'
    const root = await tree(spec)
    const scan = await recordWalk(root, options())
    expect(scan.groups).toHaveLength(21)
    expect(scan.entries).toBe((await listTree(root)).length)
  })
})

describe('scanRoot hands targets over as it goes', () => {
  it("hands over a directory's bytecode before reading further, and a __pycache__ after all below it", async () => {
    const root = await tree({
      'a/__pycache__/x.pyc': 'x',
      'a/__pycache__/__pycache__/y.pyc': 'x',
      'b/__pycache__/z.pyc': 'x',
      'c.pyc': 'x'
    })
    const calls: string[] = []
    const sink: Sink = {
      files: (dir, names) => {
        // What the walk reads next is only read after this call: nothing is queued up.
        calls.push(`files ${rel(root, dir)} ${[...names].sort().join(',')}`)
        return true
      },
      dir: dir => {
        calls.push(`dir ${rel(root, dir)}`)
        return true
      },
      pause: () => undefined
    }
    await scanRoot(root, options(), sink)

    const at = (call: string): number => {
      const i = calls.indexOf(call)
      expect(i).toBeGreaterThanOrEqual(0)
      return i
    }
    expect(calls).toHaveLength(7)
    // The root's own bytecode first: it is handed over as soon as the root is read.
    expect(calls[0]).toBe('files  c.pyc')
    // A __pycache__ goes only after everything below it.
    expect(at('dir a/__pycache__/__pycache__')).toBeGreaterThan(
      at('files a/__pycache__/__pycache__ y.pyc')
    )
    expect(at('dir a/__pycache__')).toBeGreaterThan(at('dir a/__pycache__/__pycache__'))
    expect(at('dir a/__pycache__')).toBeGreaterThan(at('files a/__pycache__ x.pyc'))
    expect(at('dir b/__pycache__')).toBeGreaterThan(at('files b/__pycache__ z.pyc'))
    // Depth-first: one subtree is finished before the next is started.
    const a = calls.filter(c => c.includes(' a/')).map(at)
    const b = calls.filter(c => c.includes(' b/')).map(at)
    expect(Math.max(...a) < Math.min(...b) || Math.max(...b) < Math.min(...a)).toBe(true)
  })

  it.each([
    ['its bytecode could not all be removed', 'files', 'some of its contents could not be removed'],
    ['a nested __pycache__ stays', 'nested', 'holds a directory that stays']
  ])('keeps a __pycache__ when %s, and says so', async (_why, refuse, reason) => {
    const root = await tree({
      '__pycache__/a.pyc': 'x',
      '__pycache__/__pycache__/b.pyc': 'x'
    })
    const outer = path.join(root, '__pycache__')
    const inner = path.join(outer, '__pycache__')
    const asked: string[] = []
    const sink: Sink = {
      // Refuse the outer directory's files, or the inner directory itself.
      files: dir => !(refuse === 'files' && dir === outer),
      dir: dir => {
        asked.push(dir)
        return !(refuse === 'nested' && dir === inner)
      },
      pause: () => undefined
    }
    const scan = await scanRoot(root, options(), sink)

    // The inner one is handed over either way (whether it can go does not depend on its
    // parent); the outer one never is.
    expect(asked).toEqual([inner])
    expect(keptNotes(root, scan.kept)).toEqual([`__pycache__: ${reason}`])
  })

  it("waits for the sink's backlog, after a pause, before handing over anything more", async () => {
    const root = await tree({
      'a/__pycache__/x.pyc': 'x',
      'b/__pycache__/y.pyc': 'x',
      'c/__pycache__/z.pyc': 'x'
    })
    const calls: string[] = []
    let release: () => void = () => undefined
    let backlogs = 0
    const sink: Sink = {
      files: dir => {
        calls.push(`files ${rel(root, dir)}`)
        return true
      },
      dir: dir => {
        calls.push(`dir ${rel(root, dir)}`)
        return true
      },
      pause: () => {
        calls.push('pause')
      },
      // A backlog once the first __pycache__ is gone; it clears only when the test says so.
      backlog: () => {
        if (backlogs > 0 || !calls.some(c => c.startsWith('dir '))) return undefined
        backlogs++
        calls.push('backlog')
        return new Promise<void>(resolve => {
          release = resolve
        })
      }
    }
    const walk = scanRoot(root, options(), sink)
    await new Promise(resolve => setTimeout(resolve, 20))
    const beforeRelease = [...calls]
    release()
    await walk

    expect(beforeRelease.slice(-2)).toEqual(['backlog', 'pause'])
    expect(beforeRelease.filter(c => c.startsWith('dir '))).toHaveLength(1)
    expect(calls.filter(c => c.startsWith('dir '))).toHaveLength(3)
  })

  it('does not keep a __pycache__ whose nested __pycache__ vanished before it was read', async () => {
    const root = await tree({ '__pycache__/a.pyc': 'x', '__pycache__/__pycache__/b.pyc': 'x' })
    const inner = path.join(root, '__pycache__', '__pycache__')
    const asked: string[] = []
    // The walk has listed the outer directory when it hands over its files: delete the inner
    // one then, before the walk reads it.
    const sink: Sink = {
      files: dir => {
        if (dir === path.join(root, '__pycache__')) rmSync(inner, { recursive: true })
        return true
      },
      dir: dir => {
        asked.push(dir)
        return true
      },
      pause: () => undefined
    }
    const scan = await scanRoot(root, options(), sink)
    // A nested __pycache__ that vanished before it was read is gone: the parent still goes.
    expect(asked).toEqual([path.join(root, '__pycache__')])
    expect(scan.kept).toEqual([])
    expect(scan.failures).toEqual([])
  })
})
