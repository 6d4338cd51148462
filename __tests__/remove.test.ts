import { afterEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  closeSync,
  constants,
  openSync,
  promises as fs,
  linkSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CLOSE_SAMPLE, holdsSafely } from '../src/closer.js'
import { listTree, type TreeSpec, tempTrees } from '../__fixtures__/tree.js'
import { newProgress } from '../src/progress.js'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'
import { keptLine } from '../src/kept.js'

function rel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/')
}

function rels(root: string, paths: readonly string[]): string[] {
  return paths.map(p => rel(root, p)).sort()
}

/**
 * Swaps `root/name` for a symlink to `outside/name` (what a race between the walk and the
 * remover looks like), keeping the directory itself as `root/moved`.
 */
function swapForLink(root: string, name: string, outside: string, moved: string): void {
  renameSync(path.join(root, name), path.join(root, moved))
  symlinkSync(path.join(outside, name), path.join(root, name))
}

/** `kept` notes with the root made relative, so two trees can be compared. */
function keptNotes(root: string, result: ListedResult): string[] {
  return result.kept
    .map(note =>
      keptLine(note)
        .split(root + path.sep)
        .join('')
    )
    .sort()
}

/**
 * The remover's mechanics, on trees whose legacy `NAME.pyc` files stand for bytecode in general
 * (no `NAME.py` beside them): sourceless modules are not kept here (`sourceless.test.ts`).
 */
const MECHANICS = { keepSourceless: false } as const

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

/** Bytecode of distinct sizes, so a wrong sum cannot come out right by accident. */
const SIZED: TreeSpec = {
  'a.py': 'y'.repeat(1000),
  'a.pyc': 'x'.repeat(3),
  'b.pyo': 'x'.repeat(17),
  'pkg/__init__.py': 'y'.repeat(200),
  'pkg/__pycache__/__init__.cpython-312.pyc': 'x'.repeat(101),
  'pkg/__pycache__/m.cpython-312.opt-1.pyc': 'x'.repeat(1009),
  'pkg/sub/__pycache__/n.cpython-312.pyc': 'x'.repeat(4099),
  'pkg/sub/__pycache__/README': 'y'.repeat(50),
  'empty/__pycache__': null,
  'docs/index.md': 'y'.repeat(70)
}
const SIZED_FILES = [
  'a.pyc',
  'b.pyo',
  'pkg/__pycache__/__init__.cpython-312.pyc',
  'pkg/__pycache__/m.cpython-312.opt-1.pyc',
  'pkg/sub/__pycache__/n.cpython-312.pyc'
]
const SIZED_DIRS = ['empty/__pycache__', 'pkg/__pycache__']

describe('the remover, handed targets by the walk', () => {
  it('removes what the walk found, counts it, and sums the real sizes', async () => {
    const root = await tree(SIZED)
    let expectedBytes = 0
    for (const file of SIZED_FILES) expectedBytes += (await fs.lstat(path.join(root, file))).size
    expect(expectedBytes).toBe(3 + 17 + 101 + 1009 + 4099)
    const before = await listTree(root)

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false })

    expect(result.root).toBe(root)
    expect(result.filesRemoved).toBe(SIZED_FILES.length)
    expect(result.dirsRemoved).toBe(SIZED_DIRS.length)
    expect(result.bytesFreed).toBe(expectedBytes)
    expect(result.failures).toEqual([])
    expect(rels(root, result.removed)).toEqual([...SIZED_FILES, ...SIZED_DIRS].sort())
    const gone = new Set([...SIZED_FILES, ...SIZED_DIRS.map(d => `${d}/`)])
    expect(await listTree(root)).toEqual(before.filter(p => !gone.has(p)))
  })

  it('deletes nothing in a dry run and reports exactly the numbers of the real run', async () => {
    const dry = await tree(SIZED)
    const real = await tree(SIZED)
    const before = await listTree(dry)

    const would = await cleanListing(dry, { ...MECHANICS, dryRun: true })
    const did = await cleanListing(real, { ...MECHANICS, dryRun: false })

    expect(await listTree(dry)).toEqual(before)
    expect(await listTree(real)).not.toEqual(before)
    expect(did.filesRemoved).toBeGreaterThan(0)
    expect(would.filesRemoved).toBe(did.filesRemoved)
    expect(would.dirsRemoved).toBe(did.dirsRemoved)
    expect(would.bytesFreed).toBe(did.bytesFreed)
    expect(would.failures).toEqual(did.failures)
    expect(rels(dry, would.removed)).toEqual(rels(real, did.removed))
    expect(keptNotes(dry, would)).toEqual(keptNotes(real, did))
  })

  it('counts a symlink by its own (lstat) size and removes only the link', async () => {
    const outside = await tree({ 'big.pyc': 'x'.repeat(5000) })
    const target = path.join(outside, 'big.pyc')
    const root = await tree({ 'link.pyc': { link: target } })

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false })

    expect(result.filesRemoved).toBe(1)
    expect(result.bytesFreed).toBe(Buffer.byteLength(target))
    expect(await listTree(root)).toEqual([])
    expect(await fs.readFile(target, 'utf8')).toBe('x'.repeat(5000))
  })

  it('removes a hard-linked file and a sole one alike, each counted by its size', async () => {
    const outside = await tree({ 'shared.pyc': 'x'.repeat(300) })
    const root = await tree({ '__pycache__/sole.pyc': 'y'.repeat(70) })
    linkSync(path.join(outside, 'shared.pyc'), path.join(root, '__pycache__', 'shared.pyc'))

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false })

    expect(result).toMatchObject({ filesRemoved: 2, dirsRemoved: 1, bytesFreed: 370 })
    expect(await listTree(root)).toEqual([])
    // The other link of the hard-linked one is untouched.
    expect(await fs.readFile(path.join(outside, 'shared.pyc'), 'utf8')).toBe('x'.repeat(300))
  })

  it('keeps a __pycache__ holding something that is not bytecode, without an error', async () => {
    const root = await tree({
      '__pycache__/a.pyc': 'x'.repeat(7),
      '__pycache__/notes.txt': 'keep'
    })

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false })

    expect(await listTree(root)).toEqual(['__pycache__/', '__pycache__/notes.txt'])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 0, bytesFreed: 7, failures: [] })
    expect(result.kept).toHaveLength(1)
    expect(result.kept[0].path).toBe(path.join(root, '__pycache__'))
  })

  it('removes an empty __pycache__', async () => {
    const root = await tree({ 'pkg/__pycache__': null })

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false })

    expect(await listTree(root)).toEqual(['pkg/'])
    expect(result).toMatchObject({ filesRemoved: 0, dirsRemoved: 1, bytesFreed: 0, failures: [] })
    expect(result.removed).toEqual([path.join(root, 'pkg', '__pycache__')])
  })

  it('skips a file that vanished after the scan: not counted, not an error', async () => {
    const root = await tree({
      '__pycache__/gone.pyc': 'x'.repeat(11),
      '__pycache__/here.pyc': 'x'.repeat(13)
    })
    const result = await cleanListing(
      root,
      { dryRun: false },
      { beforeFiles: () => unlinkSync(path.join(root, '__pycache__', 'gone.pyc')) }
    )

    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, bytesFreed: 13, failures: [] })
    expect(rels(root, result.removed)).toEqual(['__pycache__', '__pycache__/here.pyc'])
    expect(await listTree(root)).toEqual([])
  })

  it('skips a __pycache__ that vanished after the scan: not counted, not an error', async () => {
    const root = await tree({ 'a/__pycache__/x.pyc': 'x', 'b/__pycache__/y.pyc': 'x'.repeat(2) })
    const a = path.join(root, 'a')
    const result = await cleanListing(
      root,
      { dryRun: false },
      { beforeFiles: dir => dir.startsWith(a) && rmSync(a, { recursive: true }) }
    )

    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, bytesFreed: 2, failures: [] })
    expect(await listTree(root)).toEqual(['b/'])
  })

  it('leaves alone a directory swapped for a symlink after the scan, and what it points to', async () => {
    const outside = await tree({
      '__pycache__/m.cpython-312.pyc': 'outside',
      'pkg/__pycache__/n.cpython-312.pyc': 'outside',
      'pkg/__pycache__/o.cpython-312.pyc': 'outside'
    })
    const root = await tree({
      'app/__pycache__/m.cpython-312.pyc': 'x',
      'pkg/__pycache__/n.cpython-312.pyc': 'x',
      'pkg/__pycache__/o.cpython-312.pyc': 'x',
      'other/__pycache__/p.pyc': 'x'.repeat(5)
    })
    const outsideBefore = await listTree(outside)
    // Between the read of a __pycache__ and its removal, swap it for a link, and (separately)
    // a parent of another one.
    const swaps: Record<string, [string, string]> = {
      [path.join(root, 'app', '__pycache__')]: [
        path.join(root, 'app', '__pycache__'),
        path.join(outside, '__pycache__')
      ],
      [path.join(root, 'pkg', '__pycache__')]: [path.join(root, 'pkg'), path.join(outside, 'pkg')]
    }
    const beforeFiles = (dir: string): void => {
      const swap = swaps[dir]
      if (swap === undefined) return
      rmSync(swap[0], { recursive: true })
      symlinkSync(swap[1], swap[0])
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false }, { beforeFiles })

    expect(await listTree(outside)).toEqual(outsideBefore)
    for (const file of ['__pycache__/m.cpython-312.pyc', 'pkg/__pycache__/n.cpython-312.pyc']) {
      expect(await fs.readFile(path.join(outside, file), 'utf8')).toBe('outside')
    }
    expect(
      rels(
        root,
        result.failures.map(f => f.path)
      )
    ).toEqual(['app/__pycache__', 'pkg/__pycache__'])
    for (const failure of result.failures) expect(failure.operation).toBe('remove')
    // The rest of the root is still cleaned.
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1, bytesFreed: 5 })
    expect(rels(root, result.removed)).toEqual(['other/__pycache__', 'other/__pycache__/p.pyc'])
    expect(await listTree(root)).toEqual(['app/', 'app/__pycache__@', 'other/', 'pkg@'])
  })

  it('keeps a __pycache__ that gained a file after the scan, and that file, without an error', async () => {
    const root = await tree({ '__pycache__/old.pyc': 'x'.repeat(9) })
    // Python writes new bytecode after the walk read the directory, before its rmdir.
    const fresh = path.join(root, '__pycache__', 'new.cpython-312.pyc')
    const beforeDir = (): void => writeFileSync(fresh, 'fresh')

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false }, { beforeDir })

    expect(await listTree(root)).toEqual(['__pycache__/', '__pycache__/new.cpython-312.pyc'])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 0, bytesFreed: 9, failures: [] })
    expect(rels(root, result.removed)).toEqual(['__pycache__/old.pyc'])
    expect(result.kept).toHaveLength(1)
    expect(result.kept[0].path).toBe(path.join(root, '__pycache__'))
  })

  it('leaves alone a bytecode file replaced by a directory after the scan', async () => {
    const root = await tree({ '__pycache__/a.pyc': 'x', '__pycache__/b.pyc': 'x'.repeat(4) })
    const a = path.join(root, '__pycache__', 'a.pyc')
    const beforeFiles = (): void => {
      unlinkSync(a)
      mkdirSync(a)
      writeFileSync(path.join(a, 'data.txt'), 'precious')
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false }, { beforeFiles })

    expect(await listTree(root)).toEqual([
      '__pycache__/',
      '__pycache__/a.pyc/',
      '__pycache__/a.pyc/data.txt'
    ])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 0, bytesFreed: 4, failures: [] })
    expect(result.kept.some(note => note.path === a)).toBe(true)
  })
})

describe('the remover, racing with a change to the tree', () => {
  // The realpath check runs before every entry, so a swap after the first removal stops the
  // directory there instead of sending the remaining removals through the link.
  it('never deletes through a directory swapped for a link in the middle of its removal', async () => {
    const outside = await tree({
      '__pycache__/a.pyc': 'outside',
      '__pycache__/b.pyc': 'outside',
      '__pycache__/c.pyc': 'outside'
    })
    const root = await tree({
      '__pycache__/a.pyc': 'x',
      '__pycache__/b.pyc': 'x',
      '__pycache__/c.pyc': 'x'
    })
    const dir = path.join(root, '__pycache__')
    let swapped = false
    // Right after the first removal, swap the directory for a link to the outside one.
    const onRemoved = (): void => {
      if (swapped) return
      swapped = true
      rmSync(dir, { recursive: true })
      symlinkSync(path.join(outside, '__pycache__'), dir)
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false, onRemoved })
    expect(swapped).toBe(true)

    expect(await listTree(outside)).toEqual([
      '__pycache__/',
      '__pycache__/a.pyc',
      '__pycache__/b.pyc',
      '__pycache__/c.pyc'
    ])
    // The remaining removals act in the directory the remover is in, which the swap deleted:
    // they find nothing there, and nothing is removed through the link. The rmdir, by name,
    // meets the link and reports it.
    expect(result.filesRemoved).toBe(1)
    expect(result.failures.map(f => [f.path, f.message])).toEqual([
      [dir, 'it is now a link; nothing removed from it']
    ])
  })
})

describe('the remover, racing with a change to an ancestor', () => {
  it('keeps removing in the directory it checked when an ancestor is swapped for a link', async () => {
    const outside = await tree({
      'a/__pycache__/x.pyc': 'outside',
      'a/__pycache__/y.pyc': 'outside',
      'a/__pycache__/z.pyc': 'outside'
    })
    const root = await tree({
      'a/__pycache__/x.pyc': 'x',
      'a/__pycache__/y.pyc': 'x',
      'a/__pycache__/z.pyc': 'x'
    })
    let swapped = false
    // After the first removal, move root/a away (still inside the root) and put a link to the
    // outside tree in its place: every path through root/a now leads outside.
    const onRemoved = (): void => {
      if (swapped) return
      swapped = true
      swapForLink(root, 'a', outside, 'moved')
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false, onRemoved })

    expect(swapped).toBe(true)
    expect(await listTree(outside)).toEqual([
      'a/',
      'a/__pycache__/',
      'a/__pycache__/x.pyc',
      'a/__pycache__/y.pyc',
      'a/__pycache__/z.pyc'
    ])
    // The files went from the directory that was checked, and so did the directory itself: it
    // was removed through the directory in hand (`../__pycache__`), wherever it now is.
    expect(await listTree(root)).toEqual(['a@', 'moved/'])
    expect(result.filesRemoved).toBe(3)
    expect(result.dirsRemoved).toBe(1)
    expect(result.failures).toEqual([])
  })

  it('refuses the rmdir from a parent that is now reached through a link', async () => {
    const outside = await tree({ 'a/__pycache__/__pycache__/x.pyc': 'outside' })
    const root = await tree({ 'a/__pycache__/__pycache__/x.pyc': 'x' })
    const outer = path.join(root, 'a', '__pycache__')
    // The outer __pycache__ is removed after the nested one, from its parent root/a: swap
    // root/a for a link to the outside tree just before.
    const beforeDir = (dir: string): void => {
      if (dir !== outer) return
      swapForLink(root, 'a', outside, 'moved')
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false }, { beforeDir })

    expect(await listTree(outside)).toEqual([
      'a/',
      'a/__pycache__/',
      'a/__pycache__/__pycache__/',
      'a/__pycache__/__pycache__/x.pyc'
    ])
    expect(await listTree(root)).toEqual(['a@', 'moved/', 'moved/__pycache__/'])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1 })
    expect(result.failures.map(f => [f.path, f.message])).toEqual([
      [
        path.join(root, 'a'),
        `it now resolves to '${path.join(outside, 'a')}' (a link replaced part of it); nothing removed from it`
      ]
    ])
  })
})

// Windows' rules, run here: nothing is entered (the working directory is limited to MAX_PATH
// there); right before removing in a directory its identity (volume, file ID) is compared with
// what the walk read, and entries are named by absolute path.
describe("the remover under Windows' rules, racing with a change to the tree", () => {
  const WINDOWS = { ...MECHANICS, dryRun: false, platform: 'win32' } as const
  const INSIDE = { '__pycache__/m.cpython-312.pyc': 'x', 'pkg/__pycache__/n.cpython-312.pyc': 'x' }

  it.each([
    ['the directory is swapped for a link', '__pycache__', 'is now a link or a junction'],
    [
      'a parent is swapped for a link',
      'pkg',
      'is another directory than the one the walk read (a link or junction above it changed)'
    ]
  ])('removes nothing when %s, and nothing it leads to', async (_what, swapped, now) => {
    const outside = await tree({
      '__pycache__/m.cpython-312.pyc': 'outside',
      'pkg/__pycache__/n.cpython-312.pyc': 'outside'
    })
    const root = await tree(INSIDE)
    const target = path.join(root, ...INSIDE_DIR[swapped].split('/'))
    const beforeFiles = (dir: string): void => {
      if (dir !== target) return
      swapForLink(root, swapped, outside, `${swapped}.moved`)
    }

    const result = await cleanListing(root, WINDOWS, { beforeFiles })

    expect(await listTree(outside)).toEqual([
      '__pycache__/',
      '__pycache__/m.cpython-312.pyc',
      'pkg/',
      'pkg/__pycache__/',
      'pkg/__pycache__/n.cpython-312.pyc'
    ])
    expect(result.failures.map(f => [f.path, f.message])).toEqual([
      [target, `it ${now}; nothing removed from it`]
    ])
    expect(result.filesRemoved).toBe(1)
  })

  it('reads nothing through a parent swapped for a link before its subdirectory is read', async () => {
    const outside = await tree({ 'pkg/__pycache__/n.cpython-312.pyc': 'outside' })
    const root = await tree({ 'r.py': 'y', 'r.pyc': 'x', 'pkg/__pycache__/n.cpython-312.pyc': 'x' })
    // The root's own files are handed over before pkg is read: swap pkg for a link then.
    let done = false
    const beforeFiles = (dir: string): void => {
      if (dir !== root || done) return
      done = true
      swapForLink(root, 'pkg', outside, 'pkg.moved')
    }

    const result = await cleanListing(root, WINDOWS, { beforeFiles })

    expect(await listTree(outside)).toEqual([
      'pkg/',
      'pkg/__pycache__/',
      'pkg/__pycache__/n.cpython-312.pyc'
    ])
    expect(rels(root, result.removed)).toEqual(['r.pyc'])
    expect(result.failures.map(f => [rels(root, [f.path])[0], f.message])).toEqual([
      [
        'pkg',
        'it is another directory than the one the walk reached (a link or junction above it changed); nothing in it read or removed'
      ]
    ])
  })

  it('refuses the rmdir of a directory now reached through a link', async () => {
    const outside = await tree({ 'a/__pycache__/__pycache__/x.pyc': 'outside' })
    const root = await tree({ 'a/__pycache__/__pycache__/x.pyc': 'x' })
    const outer = path.join(root, 'a', '__pycache__')
    const beforeDir = (dir: string): void => {
      if (dir !== outer) return
      swapForLink(root, 'a', outside, 'moved')
    }

    const result = await cleanListing(root, WINDOWS, { beforeDir })

    expect(await listTree(outside)).toEqual([
      'a/',
      'a/__pycache__/',
      'a/__pycache__/__pycache__/',
      'a/__pycache__/__pycache__/x.pyc'
    ])
    expect(await listTree(root)).toEqual(['a@', 'moved/', 'moved/__pycache__/'])
    expect(result).toMatchObject({ filesRemoved: 1, dirsRemoved: 1 })
    expect(result.failures.map(f => [f.path, f.message])).toEqual([
      [
        outer,
        'it is another directory than the one the walk read (a link or junction above it changed); nothing removed from it'
      ]
    ])
  })
})

/** Where the bytecode of `INSIDE` is, by the entry of the root a test swaps. */
const INSIDE_DIR: Record<string, string> = { __pycache__: '__pycache__', pkg: 'pkg/__pycache__' }

describe('progress counters', () => {
  it('add up to the results of the walk and the removal', async () => {
    const root = await tree({
      'a/__pycache__/x.cpython-312.pyc': 'x'.repeat(7),
      'a/__pycache__/y.cpython-312.pyc': 'y'.repeat(11),
      'b/legacy.pyc': 'z'.repeat(13),
      'b/keep.py': ''
    })
    const progress = newProgress()
    const result = await cleanListing(root, { ...MECHANICS, dryRun: false, progress })
    expect(progress).toEqual({
      entries: result.entries,
      removed: result.filesRemoved + result.dirsRemoved,
      bytes: result.bytesFreed
    })
    // a, a/__pycache__ and its two files, b and its two files.
    expect(result.entries).toBe(7)
    expect(result).toMatchObject({ filesRemoved: 3, dirsRemoved: 1, bytesFreed: 31 })
  })
})

// An immutable file refuses unlink with EPERM even to root, as a file held open without delete
// sharing does on Windows: under Windows' rules the refusal is reported and the rest goes on.
// Needs root and a file system with chattr attributes (ext4, the case here and on CI).
const canChattr = process.getuid?.() === 0 && spawnSync('chattr', ['--help']).error === undefined
const describeChattr = canChattr ? describe : describe.skip

describeChattr("a refused unlink under Windows' rules", () => {
  it('is reported with its error, and the removals go on in the same directory', async () => {
    const root = await tree({
      'pkg/__pycache__/a.pyc': 'aaa',
      'pkg/__pycache__/b.pyc': 'bb',
      'pkg/__pycache__/c.pyc': 'c'
    })
    // Lock the entry removed first, so the others come after the refusal.
    const dir = path.join(root, 'pkg', '__pycache__')
    const first = readdirSync(dir)[0]
    const locked = path.join(dir, first)
    expect(spawnSync('chattr', ['+i', locked]).status).toBe(0)
    const others = readdirSync(dir)
      .filter(name => name !== first)
      .map(name => `pkg/__pycache__/${name}`)
    const cwd = process.cwd()
    try {
      const result = await cleanListing(root, { ...MECHANICS, dryRun: false, platform: 'win32' })

      expect(process.cwd()).toBe(cwd)
      expect(result.removed.map(p => path.relative(root, p)).sort()).toEqual(others.sort())
      expect(result).toMatchObject({ filesRemoved: 2, dirsRemoved: 0 })
      expect(result.failures.map(f => [f.path, f.code])).toEqual([[locked, 'EPERM']])
      expect(await listTree(root)).toEqual(['pkg/', 'pkg/__pycache__/', `pkg/__pycache__/${first}`])
    } finally {
      spawnSync('chattr', ['-i', locked])
    }
  })
})

describe('a directory swapped for a link that cannot be entered', () => {
  it.each([
    ['a dangling link', '/nonexistent/pyclean'],
    ['a link to a file', 'FILE']
  ])('is reported, not taken as vanished: %s', async (_what, target) => {
    const root = await tree({ 'a/__pycache__/x.pyc': 'x', 'file.txt': 'not a directory' })
    const dir = path.join(root, 'a', '__pycache__')
    const beforeFiles = (): void => {
      rmSync(dir, { recursive: true })
      symlinkSync(target === 'FILE' ? path.join(root, 'file.txt') : target, dir)
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false }, { beforeFiles })

    expect(result.filesRemoved).toBe(0)
    expect(result.failures.map(f => [f.path, f.message])).toEqual([
      [dir, 'it is now a link that leads nowhere or to a file; nothing removed from it']
    ])
  })
})

/** Where each open handle of this process leads, as Linux shows it (`… (deleted)` when gone). */
function openHandles(): string[] {
  const targets: string[] = []
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${fd}`))
    } catch {
      // Closed since it was listed (the listing's own handle).
    }
  }
  return targets
}

// Handles are held only on Linux, on file systems known to drop a removed name at once.
const describeHolding =
  process.platform === 'linux' && holdsSafely(os.tmpdir()) ? describe : describe.skip

// The file system does the work of freeing a removed directory when its last reference goes:
// the remover holds one and closes it on the thread pool (see docs/performance.md).
describeHolding('handles to removed entries', () => {
  const TREE: TreeSpec = {
    'a/__pycache__/x.pyc': 'x',
    'b/__pycache__/y.pyc': 'y',
    'c/__pycache__/z.pyc': 'z',
    // Removed from its parent, after the one nested in it.
    'd/__pycache__/__pycache__/w.pyc': 'w'
  }

  it('are held while a directory is removed, and all closed when the root is done', async () => {
    const root = await tree(TREE)
    const heldWhenRemoved: string[] = []
    const onRemoved = (p: string): void => {
      if (path.basename(p) !== '__pycache__') return
      if (openHandles().includes(`${p} (deleted)`)) heldWhenRemoved.push(rel(root, p))
    }

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false, onRemoved })

    expect(result.dirsRemoved).toBe(5)
    // Removed from inside: still held when reported. (The one removed from its parent may be
    // closed already: its handle goes to the thread pool at once.)
    expect(heldWhenRemoved).toEqual(
      expect.arrayContaining(['a/__pycache__', 'b/__pycache__', 'c/__pycache__'])
    )
    expect(openHandles().filter(t => t.startsWith(root))).toEqual([])
  })

  it('are all closed when the root is done, also when closing goes to the thread pool', async () => {
    const spec: TreeSpec = {}
    for (let i = 0; i < 40; i++) {
      for (const m of ['a', 'b', 'c']) spec[`p${i}/__pycache__/${m}.cpython-312.pyc`] = m.repeat(i)
    }
    const root = await tree(spec)
    const dry = await cleanListing(await tree(spec), { ...MECHANICS, dryRun: true })

    // Every close counts as slow: after the first 16, all go to the thread pool.
    const result = await cleanListing(root, {
      ...MECHANICS,
      dryRun: false,
      closers: { slowMicros: -1 }
    })

    expect(openHandles().filter(t => t.startsWith(root))).toEqual([])
    expect(await listTree(root)).toEqual(Array.from({ length: 40 }, (_, i) => `p${i}/`).sort())
    expect(result).toMatchObject({ filesRemoved: 120, dirsRemoved: 40, failures: [], kept: [] })
    expect(result.bytesFreed).toBe(dry.bytesFreed)
  })

  it('are all closed before the root is reported done, however long closing takes', async () => {
    const spec: TreeSpec = {}
    for (let i = 0; i < 20; i++) spec[`p${i}/__pycache__/m.cpython-312.pyc`] = 'm'
    const root = await tree(spec)
    // Every thread of the pool waits to open a fifo until the timer lets it: the closes queue
    // up behind them, and the root may only be reported done after they ran.
    const fifos = await tree({})
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
    const paths = Array.from({ length: threads }, (_, i) => path.join(fifos, `f${i}`))
    for (const p of paths) spawnSync('mkfifo', [p])
    const readers = paths.map(p => fs.open(p, 'r'))
    let writers: number[] = []
    const unblock = setTimeout(() => {
      writers = paths.map(p => openSync(p, constants.O_WRONLY | constants.O_NONBLOCK))
    }, 200)

    try {
      const result = await cleanListing(root, {
        ...MECHANICS,
        dryRun: false,
        closers: { slowMicros: -1 }
      })
      expect(result.dirsRemoved).toBe(20)
      expect(writers).toHaveLength(threads)
      expect(openHandles().filter(t => t.startsWith(root))).toEqual([])
    } finally {
      clearTimeout(unblock)
      if (writers.length === 0) {
        writers = paths.map(p => openSync(p, constants.O_WRONLY | constants.O_NONBLOCK))
      }
      for (const reader of await Promise.all(readers)) await reader.close()
      for (const fd of writers) closeSync(fd)
    }
  })

  it('are taken, and the file system asked, only where a closer still wants them', async () => {
    // Every file has a second link (as in a hard-linked copy), so the file closer never gets one
    // to sample; closes are fast, so the directory closer stops after its sample. The file
    // system is then asked in no directory any more.
    const spec: TreeSpec = {}
    for (let i = 0; i < 40; i++) spec[`p${i}/__pycache__/m.cpython-312.pyc`] = 'm'
    const root = await tree(spec)
    const links = await tree({})
    for (let i = 0; i < 40; i++) {
      linkSync(path.join(root, `p${i}/__pycache__/m.cpython-312.pyc`), path.join(links, `${i}`))
    }
    const asked: string[] = []
    const holds = (dir: string): boolean => {
      asked.push(process.cwd())
      return holdsSafely(dir)
    }

    const result = await cleanListing(root, {
      ...MECHANICS,
      dryRun: false,
      closers: { slowMicros: Infinity, holds }
    })

    expect(result).toMatchObject({ filesRemoved: 40, dirsRemoved: 40, failures: [] })
    // One per directory removed while the directory closer sampled; none after.
    expect(asked).toHaveLength(CLOSE_SAMPLE)
    expect(readdirSync(links)).toHaveLength(40)
  })

  it('are closed when the rmdir they were taken for fails', async () => {
    const root = await tree({ 'a/__pycache__/x.pyc': 'x' })
    const beforeDir = (dir: string): void => writeFileSync(path.join(dir, 'new.pyc'), 'new')

    const result = await cleanListing(root, { ...MECHANICS, dryRun: false }, { beforeDir })

    expect(result.kept).toHaveLength(1)
    expect(openHandles().filter(t => t.startsWith(root))).toEqual([])
  })

  it('are not taken where Windows rules apply, nor in a dry run', async () => {
    for (const options of [{ dryRun: false, platform: 'win32' as const }, { dryRun: true }]) {
      const root = await tree(TREE)
      const handles: string[] = []
      const onRemoved = (): void => {
        handles.push(...openHandles().filter(t => t.startsWith(root)))
      }
      const result = await cleanListing(root, { ...MECHANICS, ...options, onRemoved })
      expect(result.dirsRemoved).toBe(5)
      expect(handles).toEqual([])
    }
  })
})
