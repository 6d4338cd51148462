/**
 * Issue 16, `remove-empty`: directories this run empties go too, up to but never including a
 * root; never one that was empty before the run, never one that holds anything that stays. On
 * real trees through cleanRoot, real run and dry run side by side.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'
import { listTree, type TreeSpec, tempTrees } from '../__fixtures__/tree.js'
import { debrisMatcher, type Topic } from '../src/debris.js'
import type { ScanOptions } from '../src/scan.js'

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

const rel = (root: string, p: string): string => path.relative(root, p).split(path.sep).join('/')

async function clean(
  root: string,
  overrides: Partial<ScanOptions> & { dryRun?: boolean; topics?: Topic[] } = {}
): Promise<ListedResult> {
  const { topics = [], ...rest } = overrides
  return cleanListing(root, {
    dryRun: false,
    removeEmpty: true,
    ...rest,
    debris: debrisMatcher(topics)
  })
}

const TREE: TreeSpec = {
  // Emptied all the way up: b, then a.
  'a/b/__pycache__/x.cpython-312.pyc': 'x',
  // c holds a file that stays: c stays, d goes.
  'c/keep.txt': 'keep',
  'c/d/__pycache__/y.cpython-312.pyc': 'y',
  // Empty before the run: e stays, and so does f, which holds it.
  'e/': null,
  'f/g/': null,
  'f/__pycache__/z.cpython-312.pyc': 'z',
  // Legacy bytecode beside nothing else, and debris: their directories go.
  'h/old.pyc': 'h',
  'h/old.py': 'source',
  'i/.pytest_cache/v/cache/lastfailed': '{}',
  // A link that stays keeps its directory.
  'j/link': { link: '../c/keep.txt' },
  'j/__pycache__/w.cpython-312.pyc': 'w'
}

describe('remove-empty', () => {
  it('removes what the run emptied, bottom up, and keeps what was empty or holds anything', async () => {
    const root = await tree(TREE)

    const result = await clean(root, { topics: ['pytest'] })

    expect(await listTree(root)).toEqual([
      'c/',
      'c/keep.txt',
      'e/',
      'f/',
      'f/g/',
      'h/',
      'h/old.py',
      'j/',
      'j/link@'
    ])
    expect(result.removed.map(p => rel(root, p)).sort()).toEqual(
      [
        'a',
        'a/b',
        'a/b/__pycache__',
        'a/b/__pycache__/x.cpython-312.pyc',
        'c/d',
        'c/d/__pycache__',
        'c/d/__pycache__/y.cpython-312.pyc',
        'f/__pycache__',
        'f/__pycache__/z.cpython-312.pyc',
        'h/old.pyc',
        'i',
        'i/.pytest_cache',
        'i/.pytest_cache/v',
        'i/.pytest_cache/v/cache',
        'i/.pytest_cache/v/cache/lastfailed',
        'j/__pycache__',
        'j/__pycache__/w.cpython-312.pyc'
      ].sort()
    )
    // a, a/b, c/d, i; and 4 __pycache__ and 3 .pytest_cache directories.
    expect(result).toMatchObject({ filesRemoved: 6, dirsRemoved: 11, failures: [] })
    // Ordinary directories that stay are no news: nothing noted as kept.
    expect(result.kept).toEqual([])
  })

  it('removes none of them without it', async () => {
    const root = await tree(TREE)
    const result = await clean(root, { topics: ['pytest'], removeEmpty: false })
    expect(result.dirsRemoved).toBe(7)
    expect(await listTree(root)).toEqual(expect.arrayContaining(['a/', 'a/b/', 'c/d/', 'i/']))
  })

  it('gives the same numbers and paths in a dry run, and deletes nothing there', async () => {
    const dry = await tree(TREE)
    const real = await tree(TREE)
    const before = await listTree(dry)

    const would = await clean(dry, { topics: ['pytest'], dryRun: true })
    const did = await clean(real, { topics: ['pytest'] })

    expect(await listTree(dry)).toEqual(before)
    expect(would.removed.map(p => rel(dry, p))).toEqual(did.removed.map(p => rel(real, p)))
    expect([would.filesRemoved, would.dirsRemoved, would.bytesFreed]).toEqual([
      did.filesRemoved,
      did.dirsRemoved,
      did.bytesFreed
    ])
  })

  it('never removes the root, even when the run empties it', async () => {
    const root = await tree({ 'pkg/__pycache__/m.cpython-312.pyc': 'm' })
    const result = await clean(root)
    expect(await listTree(root)).toEqual([])
    expect(result.dirsRemoved).toBe(2)
  })

  it('keeps a directory that holds a venv, an excluded directory, or a sourceless module', async () => {
    const root = await tree({
      'v/.venv/pyvenv.cfg': 'home = /usr',
      'v/__pycache__/a.cpython-312.pyc': 'a',
      'n/node_modules/x.js': 'x',
      'n/__pycache__/b.cpython-312.pyc': 'b',
      's/only.pyc': 'sourceless module',
      's/__pycache__/c.cpython-312.pyc': 'c'
    })
    const result = await clean(root, { keepSourceless: true })
    expect(await listTree(root)).toEqual([
      'n/',
      'n/node_modules/',
      'n/node_modules/x.js',
      's/',
      's/only.pyc',
      'v/',
      'v/.venv/',
      'v/.venv/pyvenv.cfg'
    ])
    expect(result).toMatchObject({ dirsRemoved: 3, failures: [], kept: [] })
  })

  it('keeps a directory whose bytecode git tracks', async () => {
    const root = await tree({
      't/committed.cpython-312.pyc': 'tracked',
      't/__pycache__/m.cpython-312.pyc': 'm',
      'u/__pycache__/m.cpython-312.pyc': 'm'
    })
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: root,
        stdio: 'ignore'
      })
    }
    git('init', '-q')
    git('add', '-f', 't/committed.cpython-312.pyc')
    const { trackedLookup } = await import('../src/tracked.js')
    const { findGit } = await import('../src/git.js')
    const gitPath = await findGit()
    if (gitPath === undefined) return // no git on PATH: the tracked guard is tested elsewhere
    const tracked = trackedLookup(gitPath, ['*.py[co]', '*__pycache__*'])

    const result = await clean(root, { tracked })

    expect((await listTree(root)).filter(e => !e.startsWith('.git/'))).toEqual([
      't/',
      't/committed.cpython-312.pyc'
    ])
    expect(result.tracked.map(p => rel(root, p))).toEqual(['t/committed.cpython-312.pyc'])
  })

  it('in mode: stale removes a directory emptied of stale bytecode, and keeps one in use', async () => {
    const root = await tree({
      // An orphan (its source is gone): stale, so r empties and goes.
      'r/__pycache__/orphan.cpython-312.pyc': 'orphan',
      // A file that is not bytecode stays, and so does p; its orphan goes.
      'p/m.cpython-312.pyc.txt': 'not bytecode',
      'p/__pycache__/gone.cpython-312.pyc': 'orphan'
    })
    const result = await clean(root, { mode: 'stale' })
    expect(await listTree(root)).toEqual(['p/', 'p/m.cpython-312.pyc.txt'])
    expect(result.stale).toEqual({ 'source gone': 2 })
    expect(result).toMatchObject({ dirsRemoved: 3, failures: [], kept: [] })
  })
})

describe('remove-empty never removes', () => {
  it("the step's working directory or one above it, though the run empties them", async () => {
    const root = await tree({
      'ws/pkg/__pycache__/m.cpython-312.pyc': 'm',
      'other/__pycache__/o.cpython-312.pyc': 'o'
    })
    const workingDirs = new Set([path.join(root, 'ws', 'pkg'), path.join(root, 'ws'), root])
    for (const dryRun of [true, false]) {
      const r = await clean(root, { workingDirs, dryRun })
      expect(r).toMatchObject({ dirsRemoved: 3, failures: [], kept: [] })
    }
    expect(await listTree(root)).toEqual(['ws/', 'ws/pkg/'])
  })

  it('a __pycache__ or debris directory that is the working directory, and says why', async () => {
    const root = await tree({ '.tox/py/m.py': 'm', '.tox/py/log.txt': 'l' })
    const cwd = path.join(root, '.tox', 'py')
    const r = await clean(root, {
      workingDirs: new Set([cwd, path.join(root, '.tox'), root]),
      topics: ['tox']
    })
    expect(await listTree(root)).toEqual(['.tox/', '.tox/py/'])
    expect(r.kept.map(k => [rel(root, k.path), k.reason])).toEqual([
      ['.tox/py', "is this step's working directory, or holds it; its contents were removed"],
      ['.tox', "is this step's working directory, or holds it; its contents were removed"]
    ])
  })

  it('a mount point, in a dry run as in a real run', async () => {
    const root = await tree({
      'm/__pycache__/a.cpython-312.pyc': 'a',
      'n/.pytest_cache/x': 'x'
    })
    const mounts = new Set([path.join(root, 'm'), path.join(root, 'n', '.pytest_cache')])
    const isMountPoint = (dir: string): boolean => mounts.has(dir)
    const results = []
    for (const dryRun of [true, false]) {
      results.push(await clean(root, { isMountPoint, dryRun, topics: ['pytest'] }))
    }
    expect(results.map(r => [r.filesRemoved, r.dirsRemoved, r.failures.length])).toEqual([
      [2, 1, 0],
      [2, 1, 0]
    ])
    expect(await listTree(root)).toEqual(['m/', 'n/', 'n/.pytest_cache/'])
    expect(results[1].kept.map(k => [rel(root, k.path), k.reason])).toEqual([
      ['n/.pytest_cache', 'a mount point: its contents were removed, the mount stays']
    ])
  })
})

// A real tmpfs below the root (as root only): the kernel's list of mount points decides.
const describeAsRoot =
  process.platform === 'linux' && process.getuid?.() === 0 ? describe : describe.skip
describeAsRoot('remove-empty and a real mount point', () => {
  it('empties the mount and leaves it, without an error, dry run = real run', async () => {
    const root = await tree({ 'keep.txt': 'k' })
    const mnt = path.join(root, 'mnt')
    execFileSync('mkdir', [mnt])
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt])
    try {
      execFileSync('mkdir', ['-p', path.join(mnt, '__pycache__')])
      execFileSync('sh', [
        '-c',
        `printf x > '${path.join(mnt, '__pycache__', 'a.cpython-312.pyc')}'`
      ])
      const dry = await clean(root, { dryRun: true })
      const real = await clean(root)
      expect([dry.dirsRemoved, dry.failures]).toEqual([1, []])
      expect([real.dirsRemoved, real.failures]).toEqual([1, []])
      expect(await listTree(root)).toEqual(['keep.txt', 'mnt/'])
    } finally {
      execFileSync('umount', [mnt])
    }
  })
})
