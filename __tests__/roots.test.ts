import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { makeTree, removeTree, tempDir } from '../__fixtures__/tree.js'
import { InputError } from '../src/errors.js'
import { expandRoots, isFileSystemRoot, rootPattern } from '../src/roots.js'

/** Symlinks, `/` and `~` as tested here are POSIX matters. */
const describePosix = process.platform === 'win32' ? describe.skip : describe

/** Every temporary directory a test made; removed after each test. */
const made: string[] = []
async function fresh(prefix?: string): Promise<string> {
  const dir = await tempDir(prefix)
  made.push(dir)
  return dir
}

const originalCwd = process.cwd()

afterEach(async () => {
  process.chdir(originalCwd)
  while (made.length > 0) await removeTree(made.pop() as string)
})

/** What `promise` rejected with; fails the test when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection, but the promise resolved')
}

/** The message of the InputError `promise` rejected with. */
async function inputErrorMessage(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise)
  expect(error).toBeInstanceOf(InputError)
  return (error as InputError).message
}

// @actions/glob logs through @actions/core, which writes `::debug::` workflow commands to stdout.
// Drop those lines so a CI run of the tests cannot emit real workflow commands.
const realWrite = process.stdout.write
beforeAll(() => {
  process.stdout.write = function (chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    const kept = text
      .split(/(?<=\n)/)
      .filter(line => !line.startsWith('::'))
      .join('')
    return (realWrite as (...args: unknown[]) => boolean).call(process.stdout, kept, ...rest)
  } as typeof process.stdout.write
})
afterAll(() => {
  process.stdout.write = realWrite
})

const sorted = (xs: readonly string[]): string[] => [...xs].sort()

describe('expandRoots on real trees', () => {
  let ws: string
  let elsewhere: string

  beforeEach(async () => {
    ws = await fresh('pyclean-ws-')
    await makeTree(ws, {
      'src/pkg/m.py': '',
      'pkgs/a/__init__.py': '',
      'pkgs/b/__init__.py': '',
      'pkgs/c/__init__.py': '',
      'pkgs/README.md': 'a file, not a root',
      'lib/x.py': '',
      'top.txt': 'a file'
    })
    // A different directory with a `src` of its own, made the current directory, so a relative
    // line resolved against process.cwd() instead of the workspace gives a visibly wrong root.
    elsewhere = await fresh('pyclean-cwd-')
    await makeTree(elsewhere, { 'src/other.py': '', 'pkgs/z/x.py': '' })
    process.chdir(elsewhere)
  })

  it('resolves relative lines against the workspace, not process.cwd()', async () => {
    expect(await fs.realpath(process.cwd())).toBe(elsewhere)
    const result = await expandRoots(['src', 'pkgs/*'], ws)
    expect(result.roots).toContain(path.join(ws, 'src'))
    expect(result.roots.some(r => r.startsWith(elsewhere))).toBe(false)
    expect(result.unmatched).toEqual([])
  })

  it.each(['.', './', './/'])("'%s' gives the workspace itself", async line => {
    const result = await expandRoots([line], ws)
    expect(result.roots).toEqual([ws])
    expect(result.unmatched).toEqual([])
  })

  it("a './'-prefixed relative line is the same as the bare one", async () => {
    const result = await expandRoots(['./src'], ws)
    expect(result.roots).toEqual([path.join(ws, 'src')])
  })

  it('an absolute line is used as given', async () => {
    const result = await expandRoots([path.join(ws, 'lib')], elsewhere)
    expect(result.roots).toEqual([path.join(ws, 'lib')])
  })

  it('lists roots in the order their lines were given', async () => {
    expect((await expandRoots(['src', 'lib'], ws)).roots).toEqual([
      path.join(ws, 'src'),
      path.join(ws, 'lib')
    ])
    expect((await expandRoots(['lib', 'src'], ws)).roots).toEqual([
      path.join(ws, 'lib'),
      path.join(ws, 'src')
    ])
  })

  it('a wildcard line gives every matched directory; matched files are ignored and noted', async () => {
    const result = await expandRoots(['pkgs/*'], ws)
    expect(sorted(result.roots)).toEqual(['a', 'b', 'c'].map(n => path.join(ws, 'pkgs', n)))
    expect(result.roots).not.toContain(path.join(ws, 'pkgs', 'README.md'))
    expect(result.unmatched).toEqual([])
    expect(result.notes.some(n => n.includes(path.join(ws, 'pkgs', 'README.md')))).toBe(true)
  })

  it('! lines drop matched roots', async () => {
    const result = await expandRoots(['pkgs/*', '!pkgs/b'], ws)
    expect(sorted(result.roots)).toEqual(['a', 'c'].map(n => path.join(ws, 'pkgs', n)))
  })

  it("'! x' drops like '!x' and '!!x' selects again, as in @actions/glob", async () => {
    const dropped = await expandRoots(['pkgs/*', '! pkgs/b'], ws)
    const expected = await expandRoots(['pkgs/*', '!pkgs/b'], ws)
    expect(dropped.roots).toEqual(expected.roots)
    expect(dropped.roots).not.toContain(path.join(ws, 'pkgs', 'b'))
    const again = await expandRoots(['!!pkgs/b'], ws)
    expect(again.roots).toEqual([path.join(ws, 'pkgs', 'b')])
  })

  it('! lines apply to every positive line, whichever comes first', async () => {
    const result = await expandRoots(['!pkgs/a', '!./src', 'pkgs/*', 'src', 'lib'], ws)
    expect(sorted(result.roots)).toEqual(
      sorted([path.join(ws, 'pkgs', 'b'), path.join(ws, 'pkgs', 'c'), path.join(ws, 'lib')])
    )
    // `src` matched only what a `!` line dropped.
    expect(result.unmatched).toEqual(['src'])
  })

  it('a ! wildcard line drops every root it matches', async () => {
    const result = await expandRoots(['pkgs/*', 'lib', '!pkgs/*'], ws)
    expect(result.roots).toEqual([path.join(ws, 'lib')])
    expect(result.unmatched).toEqual(['pkgs/*'])
  })

  it('a line that matches nothing is unmatched; the others still give roots', async () => {
    const result = await expandRoots(['src', 'missing', 'nope/*'], ws)
    expect(result.roots).toEqual([path.join(ws, 'src')])
    expect(result.unmatched).toEqual(['missing', 'nope/*'])
  })

  it('a line whose only match is a file is unmatched', async () => {
    const result = await expandRoots(['top.txt', 'pkgs/*.md', 'lib'], ws)
    expect(result.roots).toEqual([path.join(ws, 'lib')])
    expect(result.unmatched).toEqual(['top.txt', 'pkgs/*.md'])
    expect(result.notes.some(n => n.includes(path.join(ws, 'top.txt')))).toBe(true)
  })

  it("'.' and './' give the workspace once", async () => {
    const result = await expandRoots(['.', './'], ws)
    expect(result.roots).toEqual([ws])
    expect(result.unmatched).toEqual([])
    expect(result.notes.length).toBeGreaterThan(0)
  })

  it('the same directory through two lines appears once, in first-matched position', async () => {
    const result = await expandRoots(['pkgs/a', 'src', 'pkgs/*', path.join(ws, 'src')], ws)
    expect(result.roots.slice(0, 2)).toEqual([path.join(ws, 'pkgs', 'a'), path.join(ws, 'src')])
    expect(sorted(result.roots)).toEqual(
      sorted(['a', 'b', 'c'].map(n => path.join(ws, 'pkgs', n)).concat(path.join(ws, 'src')))
    )
    // A line that matched only an already-seen root still matched a directory.
    expect(result.unmatched).toEqual([])
  })

  describePosix('symlinks, the file system root and ~', () => {
    it('a symlink to a directory, given as a root, resolves to its real path', async () => {
      const target = await fresh('pyclean-target-')
      await makeTree(target, { 'real/pkg/m.py': '' })
      await makeTree(ws, { venv: { link: path.join(target, 'real') }, rel: { link: 'src' } })
      const result = await expandRoots(['venv', 'rel'], ws)
      expect(result.roots).toEqual([path.join(target, 'real'), path.join(ws, 'src')])
      expect(result.unmatched).toEqual([])
      expect(result.notes.some(n => n.includes(path.join(ws, 'venv')))).toBe(true)
    })

    it('a symlink and its target are one root', async () => {
      await makeTree(ws, { alias: { link: path.join(ws, 'src') } })
      const result = await expandRoots(['src', 'alias'], ws)
      expect(result.roots).toEqual([path.join(ws, 'src')])
    })

    it('a workspace reached through a symlink gives real paths', async () => {
      const outer = await fresh('pyclean-link-')
      await makeTree(outer, { ws: { link: ws } })
      const result = await expandRoots(['src'], path.join(outer, 'ws'))
      expect(result.roots).toEqual([path.join(ws, 'src')])
    })

    it('a symlink to a file, or a dangling one, is no root', async () => {
      await makeTree(ws, {
        'links/file': { link: path.join(ws, 'top.txt') },
        'links/dangling': { link: path.join(ws, 'missing') }
      })
      const result = await expandRoots(['links/file', 'links/dangling'], ws)
      expect(result.roots).toEqual([])
      expect(result.unmatched).toEqual(['links/file', 'links/dangling'])
    })

    it("the line '/' is refused with an InputError naming path", async () => {
      const message = await inputErrorMessage(expandRoots(['/'], ws))
      expect(message).toContain("Input 'path' has the line '/'")
      expect(message).toContain('file system root')
    })

    it('a symlink to / inside the tree is refused with an InputError naming path', async () => {
      await makeTree(ws, { rootlink: { link: '/' } })
      const message = await inputErrorMessage(expandRoots(['src', 'rootlink'], ws))
      expect(message).toContain("Input 'path' has the line 'rootlink'")
      expect(message).toContain('file system root')
    })

    it('a wildcard that reaches a symlink to / is refused too', async () => {
      await makeTree(ws, { 'pkgs/zz': { link: '/' } })
      const message = await inputErrorMessage(expandRoots(['pkgs/*'], ws))
      expect(message).toContain("Input 'path' has the line 'pkgs/*'")
      expect(message).toContain('file system root')
    })

    // The brief asked for HOME pointed at a temp dir, but jest gives each test file a copy of
    // process.env: assigning HOME there never reaches the real environment that os.homedir()
    // (and so @actions/glob) reads. So this uses a fresh directory inside the real home instead.
    it("'~' and '~/…' expand to the home directory, not the workspace", async () => {
      const home = await fs.realpath(os.homedir())
      const inHome = await fs.realpath(await fs.mkdtemp(path.join(home, '.pyclean-test-')))
      made.push(inHome)
      await makeTree(inHome, { 'proj/pkg/m.py': '', 'other/x.py': '' })
      const name = path.basename(inHome)
      // A literal `~` directory in the workspace must not be taken instead.
      await makeTree(ws, { [`~/${name}/proj/m.py`]: '', [`~/${name}/other/m.py`]: '' })
      const result = await expandRoots([`~/${name}/*`, `!~/${name}/other`, '~'], ws)
      expect(result.roots).toEqual([path.join(inHome, 'proj'), home])
      expect(result.unmatched).toEqual([])
    })
  })

  it.each(['..', '../x', 'a/../b', 'src/..', './../x', 'pkgs/*/..'])(
    "the line '%s' is an InputError naming path and the line",
    async line => {
      const message = await inputErrorMessage(expandRoots(['src', line], ws))
      expect(message).toContain(`Input 'path' has the line '${line}'`)
    }
  )

  it("a '!' line with '..' is an InputError naming path and that line", async () => {
    // BUG: the error names the positive line ('src') that was globbed with the bad `!` line.
    const message = await inputErrorMessage(expandRoots(['src', '!../x'], ws))
    expect(message).toContain("Input 'path' has the line '!../x'")
  })
})

describe('expandRoots with glob characters in the workspace name', () => {
  it.each(['ws[ab]-', 'ws*-', 'ws?-', 'ws[a-'])(
    "a workspace named like '%s…' is taken literally",
    async prefix => {
      const parent = await fresh('pyclean-parent-')
      // Siblings the escaped characters would match if they were not escaped.
      const ws = path.join(parent, `${prefix}x`)
      await makeTree(parent, {
        [`${prefix}x/src/m.py`]: '',
        [`${prefix}x/pkgs/a/m.py`]: '',
        [`${prefix}x/pkgs/b/m.py`]: '',
        'wsa-x/src/m.py': '',
        'wsb-x/src/m.py': '',
        'ws-x/src/m.py': '',
        'wsZ-x/src/m.py': ''
      })
      const result = await expandRoots(['.', 'src', 'pkgs/*', '!pkgs/b'], ws)
      expect(result.roots).toEqual([ws, path.join(ws, 'src'), path.join(ws, 'pkgs', 'a')])
      expect(result.unmatched).toEqual([])
    }
  )
})

describe('isFileSystemRoot', () => {
  it.each<readonly [string, NodeJS.Platform, boolean]>([
    ['/', 'linux', true],
    ['//', 'linux', true],
    ['/tmp/..', 'linux', true],
    ['/tmp', 'linux', false],
    ['/tmp/', 'linux', false],
    ['/a/b', 'darwin', false],
    ['C:\\', 'win32', true],
    ['C:/', 'win32', true],
    ['c:\\', 'win32', true],
    ['\\\\server\\share\\', 'win32', true],
    ['\\\\server\\share', 'win32', true],
    ['C:\\x', 'win32', false],
    ['C:\\x\\..\\y', 'win32', false],
    ['\\\\server\\share\\dir', 'win32', false]
  ])('%s on %s: %s', (p, platform, expected) => {
    expect(isFileSystemRoot(p, platform)).toBe(expected)
  })
})

describe('rootPattern', () => {
  it.each<readonly [string, string]>([
    ['C:\\x', 'C:\\x'],
    ['c:/x', 'c:/x'],
    ['\\x', '\\x'],
    ['/x', '/x'],
    ['~', '~'],
    ['~\\x', '~\\x'],
    ['!C:\\x', '!C:\\x']
  ])('win32 leaves the absolute %s alone', (line, expected) => {
    expect(rootPattern(line, 'D:\\work\\repo', 'win32')).toBe(expected)
  })

  it.each<readonly [string, string]>([
    ['src', 'D:\\work\\repo\\src'],
    ['pkgs\\*', 'D:\\work\\repo\\pkgs\\*'],
    ['.\\src', 'D:\\work\\repo\\src'],
    ['./src', 'D:\\work\\repo\\src'],
    ['.', 'D:\\work\\repo'],
    ['.\\', 'D:\\work\\repo'],
    ['!build', '!D:\\work\\repo\\build']
  ])('win32 prefixes the relative %s with the workspace and a backslash', (line, expected) => {
    expect(rootPattern(line, 'D:\\work\\repo', 'win32')).toBe(expected)
    // A trailing separator on the workspace makes no double one.
    expect(rootPattern(line, 'D:\\work\\repo\\', 'win32')).toBe(expected)
  })

  it('win32 escapes glob characters in the workspace but not its backslashes', () => {
    expect(rootPattern('src', 'D:\\w[ab]\\x*', 'win32')).toBe('D:\\w[[]ab]\\x[*]\\src')
  })

  it.each<readonly [string, string]>([
    ['/abs/x', '/abs/x'],
    ['~', '~'],
    ['~/x', '~/x'],
    ['!/abs', '!/abs'],
    ['src', '/w/repo/src'],
    ['./src', '/w/repo/src'],
    ['.//src', '/w/repo/src'],
    ['.', '/w/repo'],
    ['./', '/w/repo'],
    ['pkgs/*', '/w/repo/pkgs/*'],
    ['!pkgs/b', '!/w/repo/pkgs/b'],
    ['!./pkgs/b', '!/w/repo/pkgs/b']
  ])('posix: %s becomes %s', (line, expected) => {
    expect(rootPattern(line, '/w/repo', 'linux')).toBe(expected)
  })

  it('posix escapes glob characters and backslashes in the workspace', () => {
    expect(rootPattern('src', '/w/re[ab]/x*y?/b\\s', 'linux')).toBe(
      '/w/re[[]ab]/x[*]y[?]/b\\\\s/src'
    )
  })
})
