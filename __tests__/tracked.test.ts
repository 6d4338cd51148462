// keep-tracked, on real git repositories built here: committed .pyc fixtures, committed files in
// __pycache__, a committed dist/ with `debris: package`, untracked and ignored bytecode beside
// them, a submodule, a root below the repository's top, a root holding two repositories, and
// git failing (a corrupt index, a safe.directory refusal). After every real run,
// `git status --porcelain` must show no tracked file deleted.
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'
import { runAction } from '../__fixtures__/runner.js'
import { listTree, makeTree, tempTrees, type TreeSpec } from '../__fixtures__/tree.js'
import { debrisMatcher, type Topic } from '../src/debris.js'
import { findGit, type Git } from '../src/git.js'
import { BYTECODE_PATHSPECS, repoIndex, trackedLookup } from '../src/tracked.js'

const hasGit = spawnSync('git', ['--version']).status === 0
const describeGit = hasGit ? describe : describe.skip
if (!hasGit) console.log('tracked.test.ts: git is not installed; skipped.')

const { tree, removeAll } = tempTrees()
afterEach(removeAll)

/** git in `cwd`, with an identity, no user or system configuration, and files allowed as URLs. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      '-c',
      'protocol.file.allow=always',
      ...args
    ],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
}

/** A repository at `dir` holding `committed` (committed), then `loose` (written, not added). */
async function repo(dir: string, committed: TreeSpec, loose: TreeSpec = {}): Promise<void> {
  await fs.mkdir(dir, { recursive: true })
  git(dir, 'init', '-q', '-b', 'main')
  await makeTree(dir, committed)
  git(dir, 'add', '-A', '-f')
  git(dir, 'commit', '-q', '-m', 'fixtures')
  await makeTree(dir, loose)
}

/** Tracked files git says are deleted from the work tree. */
function deletedTracked(dir: string): string[] {
  return git(dir, 'status', '--porcelain', '--ignore-submodules=none')
    .split('\n')
    .filter(l => /^.D /.test(l) || /^ D/.test(l))
}

async function clean(
  root: string,
  options: { dryRun: boolean; keepTracked?: boolean; debris?: Topic[]; git?: Git }
): Promise<ListedResult & { notes: string[]; warnings: string[] }> {
  const topics = options.debris ?? []
  const found = options.git ?? (await findGit())
  if (found === undefined) throw new Error('git is on PATH but findGit found none')
  const tracked =
    options.keepTracked === false
      ? undefined
      : trackedLookup(found, [...BYTECODE_PATHSPECS, ...debrisMatcher(topics).pathspecs])
  const result = await cleanListing(root, {
    dryRun: options.dryRun,
    debris: debrisMatcher(topics),
    ...(tracked && { tracked })
  })
  return Object.assign(result, { notes: tracked?.notes ?? [], warnings: tracked?.warnings ?? [] })
}

const rels = (root: string, paths: readonly string[]): string[] =>
  paths.map(p => path.relative(root, p).split(path.sep).join('/')).sort()

// What a bytecode tool's repository looks like: committed .pyc fixtures, sourceless and not.
const COMMITTED: TreeSpec = {
  'pkg/m.py': 'm = 1\n',
  'pkg/__pycache__/m.cpython-312.pyc': 'committed cache',
  'tests/bytecode_3.8/x.pyc': 'committed fixture',
  'tests/bytecode_3.8/x.py': 'x = 1\n',
  'tests/bytecode_2.7/y.pyo': 'committed pyo',
  '.gitignore': 'ignored/\n'
}
const LOOSE: TreeSpec = {
  'pkg/__pycache__/new.cpython-312.pyc': 'untracked, beside tracked',
  'tests/__pycache__/t.cpython-312.pyc': 'untracked',
  'ignored/__pycache__/i.cpython-312.pyc': 'ignored'
}

describeGit('keep-tracked on a real repository', () => {
  it('keeps every tracked target and the directories holding one; removes untracked and ignored bytecode', async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)

    const dry = await clean(root, { dryRun: true })
    const real = await clean(root, { dryRun: false })

    expect(rels(root, real.tracked)).toEqual([
      'pkg/__pycache__/m.cpython-312.pyc',
      'tests/bytecode_2.7/y.pyo',
      'tests/bytecode_3.8/x.pyc'
    ])
    expect(rels(root, real.removed)).toEqual([
      'ignored/__pycache__',
      'ignored/__pycache__/i.cpython-312.pyc',
      'pkg/__pycache__/new.cpython-312.pyc',
      'tests/__pycache__',
      'tests/__pycache__/t.cpython-312.pyc'
    ])
    // Dry run and real run agree, tracked files included.
    expect(rels(root, dry.removed)).toEqual(rels(root, real.removed))
    expect(rels(root, dry.tracked)).toEqual(rels(root, real.tracked))
    // The __pycache__ holding a tracked file stays, and says why.
    expect(real.kept.map(k => [path.relative(root, k.path), k.reason])).toEqual([
      [path.join('pkg', '__pycache__'), 'holds files git tracks']
    ])
    expect(deletedTracked(root)).toEqual([])
    expect(real.warnings).toEqual([])
  })

  it("with 'keep-tracked: false' removes tracked targets too (git then shows them deleted)", async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)
    const result = await clean(root, { dryRun: false, keepTracked: false })
    expect(result.tracked).toEqual([])
    expect(deletedTracked(root).length).toBe(3)
  })

  it("keeps a committed dist/ with 'debris: package'; an untracked build/ beside it goes", async () => {
    const root = await tree({})
    await repo(
      root,
      { 'dist/index.js': 'bundle', 'dist/licenses.txt': 'MIT', 'action.yml': 'name: x\n' },
      { 'build/lib/m.py': 'm', 'dist/stale-chunk.js': 'untracked' }
    )
    const result = await clean(root, { dryRun: false, debris: ['package'] })
    expect(rels(root, result.tracked)).toEqual(['dist/index.js', 'dist/licenses.txt'])
    const after = await listTree(root)
    expect(after).toEqual(expect.arrayContaining(['dist/', 'dist/index.js', 'dist/licenses.txt']))
    expect(after.some(e => e.startsWith('build'))).toBe(false)
    expect(after).not.toContain('dist/stale-chunk.js')
    expect(deletedTracked(root)).toEqual([])
  })

  it('keeps committed files of the newer topics; their untracked look-alikes go', async () => {
    const root = await tree({})
    await repo(
      root,
      {
        // A committed coverage report and Sphinx output, as some projects publish them.
        'coverage.xml': '<coverage/>',
        'docs/conf.py': '',
        'docs/_build/html/index.html': 'published',
        '.pyre/committed.txt': 'odd but committed'
      },
      {
        'coverage.json': '{}',
        'docs/_build/html/search.html': 'generated',
        'htmlcov/index.html': 'generated',
        '.pytype/pyi/m.pyi': 'generated'
      }
    )
    const result = await clean(root, {
      dryRun: false,
      debris: ['coverage', 'sphinx', 'pyre', 'pytype']
    })
    expect(rels(root, result.tracked).sort()).toEqual([
      '.pyre/committed.txt',
      'coverage.xml',
      'docs/_build/html/index.html'
    ])
    const after = await listTree(root)
    expect(after).not.toContain('coverage.json')
    expect(after).not.toContain('docs/_build/html/search.html')
    expect(after.some(e => e.startsWith('htmlcov') || e.startsWith('.pytype'))).toBe(false)
    expect(deletedTracked(root)).toEqual([])
  })

  it('asks each submodule for its own index', async () => {
    const base = await tree({})
    const origin = path.join(base, 'origin')
    await repo(origin, {
      '__pycache__/s.cpython-312.pyc': 'committed in the submodule',
      's.py': ''
    })
    const root = path.join(base, 'super')
    await repo(root, { 'README.md': 'super' })
    git(root, 'submodule', '-q', 'add', origin, 'vendor/sub')
    git(root, 'commit', '-q', '-m', 'submodule')
    const sub = path.join(root, 'vendor', 'sub')
    await makeTree(sub, { '__pycache__/u.cpython-312.pyc': 'untracked in the submodule' })

    const result = await clean(root, { dryRun: false })

    expect(rels(root, result.tracked)).toEqual(['vendor/sub/__pycache__/s.cpython-312.pyc'])
    expect(rels(root, result.removed)).toEqual(['vendor/sub/__pycache__/u.cpython-312.pyc'])
    expect(deletedTracked(sub)).toEqual([])
    expect(deletedTracked(root)).toEqual([])
  })

  it('a root below the top uses the repository it lies in', async () => {
    const top = await tree({})
    await repo(top, COMMITTED, LOOSE)
    const root = path.join(top, 'pkg')
    const result = await clean(root, { dryRun: false })
    expect(rels(top, result.tracked)).toEqual(['pkg/__pycache__/m.cpython-312.pyc'])
    expect(rels(top, result.removed)).toEqual(['pkg/__pycache__/new.cpython-312.pyc'])
    expect(deletedTracked(top)).toEqual([])
  })

  it('a root holding two repositories (and no repository itself) asks each one', async () => {
    const root = await tree({ 'loose/__pycache__/l.cpython-312.pyc': 'in no repository' })
    await repo(path.join(root, 'one'), { 'a/__pycache__/a.cpython-312.pyc': '1' }, LOOSE)
    await repo(path.join(root, 'two'), { 'b.pyc': '2' }, { 'c.pyc': 'untracked', 'c.py': '' })
    const result = await clean(root, { dryRun: false })
    expect(rels(root, result.tracked)).toEqual(['one/a/__pycache__/a.cpython-312.pyc', 'two/b.pyc'])
    expect(rels(root, result.removed)).toEqual(
      expect.arrayContaining(['loose/__pycache__', 'two/c.pyc', 'one/tests/__pycache__'])
    )
    expect(result.notes.some(n => n.includes('is in no git work tree'))).toBe(true)
    expect(deletedTracked(path.join(root, 'one'))).toEqual([])
    expect(deletedTracked(path.join(root, 'two'))).toEqual([])
  })

  it('a corrupt index is a warning naming the repository, and nothing there that git could track goes', async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)
    await fs.writeFile(path.join(root, '.git', 'index'), 'not an index')

    const result = await clean(root, { dryRun: false })

    expect(result.warnings).toEqual([
      expect.stringMatching(new RegExp(`^git could not say what it tracks in ${root}: .*index`))
    ])
    expect(result.removed).toEqual([])
    expect(result.tracked).toEqual([])
    expect(result.unsure.length).toBe(6)
    // With keep-tracked: false the user takes the risk: everything goes.
    const forced = await clean(root, { dryRun: false, keepTracked: false })
    expect(forced.unsure).toEqual([])
    expect(forced.filesRemoved).toBe(6)
  })
})

describeGit('keep-tracked where git could be misled', () => {
  it('a .git file pointing nowhere (a moved worktree) is a failed work tree: nothing the parent tracks goes', async () => {
    const root = await tree({})
    await repo(root, {
      'broken/__pycache__/b.cpython-312.pyc': 'tracked by the parent',
      'a.py': ''
    })
    await fs.writeFile(path.join(root, 'broken', '.git'), 'gitdir: /nonexistent/worktree\n')

    const result = await clean(root, { dryRun: false })

    expect(result.warnings).toEqual([
      expect.stringContaining(`git could not say what it tracks in ${path.join(root, 'broken')}`)
    ])
    expect(result.removed).toEqual([])
    expect(deletedTracked(root)).toEqual([])
  })

  it('a work tree whose name ends in a space is asked about by its own name', async () => {
    const base = await tree({})
    // The same name without the space, beside it, must not be taken for it.
    await repo(path.join(base, 'repo'), { 'other.py': '' })
    const root = path.join(base, 'repo ')
    await repo(root, { '__pycache__/a.cpython-312.pyc': 'tracked', 'a.py': '' })
    const result = await clean(root, { dryRun: false })
    expect(rels(root, result.tracked)).toEqual(['__pycache__/a.cpython-312.pyc'])
    expect(deletedTracked(root)).toEqual([])
  })

  it("never runs the repository's core.fsmonitor hook", async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)
    const marker = path.join(root, '..', `${path.basename(root)}-fsmonitor-ran`)
    const hook = path.join(root, '.git', 'fsmonitor-hook')
    await fs.writeFile(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 })
    git(root, 'config', 'core.fsmonitor', hook)
    // The hook is live: git itself runs it for a plain status.
    git(root, 'status', '--porcelain')
    expect(
      await fs.stat(marker).then(
        () => true,
        () => false
      )
    ).toBe(true)
    await fs.rm(marker)

    const result = await clean(root, { dryRun: false })

    expect(result.tracked.length).toBe(3)
    expect(
      await fs.stat(marker).then(
        () => true,
        () => false
      )
    ).toBe(false)
  })

  it('ignores GIT_DIR and GIT_WORK_TREE pointing at another repository', async () => {
    const base = await tree({})
    const root = path.join(base, 'mine')
    const other = path.join(base, 'other')
    await repo(root, COMMITTED, LOOSE)
    await repo(other, { 'x.py': '' })
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE }
    process.env.GIT_DIR = path.join(other, '.git')
    process.env.GIT_WORK_TREE = other
    try {
      const found = await findGit()
      const result = await clean(root, { dryRun: false, git: found })
      expect(result.tracked.length).toBe(3)
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
    expect(deletedTracked(root)).toEqual([])
  })

  it("asks git once per work tree, however many roots lie in it (path: '**/__pycache__')", async () => {
    const root = await tree({})
    const spec: TreeSpec = {}
    for (let i = 0; i < 40; i++) spec[`p${i}/deep/__pycache__/m.cpython-312.pyc`] = 'untracked'
    await repo(root, { 'p0/deep/__pycache__/t.cpython-312.pyc': 'tracked' }, spec)
    const real = await findGit()
    const calls = { topOf: 0, trackedIn: 0 }
    const counting: Git = {
      topOf: dir => (calls.topOf++, real!.topOf(dir)),
      trackedIn: (top, specs) => (calls.trackedIn++, real!.trackedIn(top, specs))
    }
    const lookup = trackedLookup(counting, BYTECODE_PATHSPECS)
    let tracked = 0
    for (let i = 0; i < 40; i++) {
      const r = await cleanListing(path.join(root, `p${i}`, 'deep', '__pycache__'), {
        dryRun: true,
        tracked: lookup
      })
      tracked += r.tracked.length
    }
    expect(tracked).toBe(1)
    expect(calls).toEqual({ topOf: 1, trackedIn: 1 })
  })
})

const isRoot = process.platform !== 'win32' && process.getuid?.() === 0
const describeRootGit = hasGit && isRoot ? describe : describe.skip
if (hasGit && !isRoot) console.log('tracked.test.ts: the safe.directory case needs root; skipped.')

describeRootGit('a root on a file system of its own (a tmpfs), in no repository', () => {
  it('is outside any work tree: git stops at the mount point, and that is no failure', async () => {
    const base = await tree({})
    const mnt = path.join(base, 'mnt')
    await fs.mkdir(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt])
    try {
      await makeTree(mnt, { 'pkg/__pycache__/m.cpython-312.pyc': 'x' })
      const found = await (await findGit())!.topOf(mnt)
      expect(found).toEqual({ kind: 'outside' })
      const result = await clean(mnt, { dryRun: false })
      expect(result.warnings).toEqual([])
      expect(result.filesRemoved).toBe(1)
    } finally {
      execFileSync('umount', [mnt])
    }
  })
})

describeRootGit('a repository another user owns (safe.directory)', () => {
  it('is refused by git: a warning with the cause, and nothing in it removed', async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)
    execFileSync('chown', ['-R', 'nobody', root])

    const result = await clean(root, { dryRun: false })

    expect(result.warnings).toEqual([expect.stringContaining('dubious ownership')])
    expect(result.removed).toEqual([])
    expect(result.unsure.length).toBeGreaterThan(0)
    execFileSync('chown', ['-R', 'root', root])
    expect(deletedTracked(root)).toEqual([])
  })
})

describe('repoIndex', () => {
  it('answers by absolute path, with the platform separator', () => {
    const index = repoIndex('C:\\w\\app', ['pkg/__pycache__/m.pyc', 'x.pyc'], '\\')
    expect(index.verdict('C:\\w\\app\\pkg\\__pycache__\\m.pyc')).toBe('tracked')
    expect(index.verdict('C:\\w\\app\\x.pyc')).toBe('tracked')
    expect(index.verdict('C:\\w\\app\\y.pyc')).toBe('untracked')
    const posix = repoIndex('/w/app', ['a b/é.pyc'], '/')
    expect(posix.verdict('/w/app/a b/é.pyc')).toBe('tracked')
  })
})

describeGit('the bundle, with keep-tracked at its default', () => {
  it('sets tracked-files the same in a dry run and a real run, and git shows nothing deleted', async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)
    const dry = await runAction(root, { inputs: { 'dry-run': 'true' } })
    const real = await runAction(root)
    expect(dry.numbers['tracked-files']).toBe('3')
    expect(real.numbers).toEqual(dry.numbers)
    expect(real.log).toContain("Kept 3 files that git tracks ('keep-tracked' is true): ")
    expect(real.summary).toContain('Kept 3 files that git tracks')
    expect(
      (real.report as { tracked: string[] }).tracked.map(p => path.relative(root, p)).sort()
    ).toEqual([
      path.join('pkg', '__pycache__', 'm.cpython-312.pyc'),
      path.join('tests', 'bytecode_2.7', 'y.pyo'),
      path.join('tests', 'bytecode_3.8', 'x.pyc')
    ])
    expect(deletedTracked(root)).toEqual([])
  })
})

describeGit('the bundle without git on PATH', () => {
  it('keeps nothing as tracked, and says so in one debug line', async () => {
    const root = await tree({})
    await repo(root, COMMITTED, LOOSE)
    const empty = await tree({})
    const result = await runAction(root, { inputs: { 'dry-run': 'true' }, env: { PATH: empty } })
    expect(result.status).toBe(0)
    expect(result.numbers['tracked-files']).toBe('0')
    expect(result.commands.filter(c => c.startsWith('::debug::No git on PATH'))).toEqual([
      "::debug::No git on PATH: 'keep-tracked' has nothing to keep."
    ])
    expect(result.commands.filter(c => c.startsWith('::warning'))).toEqual([])
  })
})
