// The committed dist/index.js, run the way the runner runs a JavaScript action (see
// __fixtures__/runner.ts), on the tests' Node and on the Node that action.yml declares.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { promises as fs, readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { action } from '../__fixtures__/action.js'
import { blocksOf, diskFrom, expectedFrom, without } from '../__fixtures__/expected.js'
import {
  entry,
  runAction as runBundle,
  runJob,
  runtimes,
  type Run
} from '../__fixtures__/runner.js'
import { listTree, makeTree, removeTree, tempDir, type TreeSpec } from '../__fixtures__/tree.js'
import { formatBytes, formatCount } from '../src/report.js'

const outputNames = Object.keys(action.outputs).sort()
const describePython = spawnSync('python3', ['--version']).status === 0 ? describe : describe.skip

// ---------------------------------------------------------------------------------------------
// The fixture: what must go and what must stay, kept apart so the expected numbers come from it.

const bytecode: TreeSpec = {
  'pkg/__pycache__/__init__.cpython-312.pyc': 'a'.repeat(1000),
  'pkg/__pycache__/mod.cpython-312.opt-1.pyc': 'b'.repeat(700),
  'pkg/sub/__pycache__/deep.cpython-311.pyc': 'c'.repeat(333),
  'tests/__pycache__/test_x.cpython-312-pytest-8.3.4.pyc': 'd'.repeat(64),
  'stdlib/venv/__pycache__/__init__.cpython-312.pyc': 'e'.repeat(21),
  'name with space/__pycache__/ünï.cpython-312.pyc': 'f'.repeat(9),
  'mixed/__pycache__/kept_dir.cpython-312.pyc': 'g'.repeat(11),
  'legacy.pyc': 'h'.repeat(120),
  'pkg/old.pyo': 'i'.repeat(45),
  // A bytecode-named symlink goes as a link (its size is the target's name); the target stays.
  // (Beside its source pkg/__init__.py, so not a sourceless module.)
  'pkg/__init__.pyc': { link: 'mod.py' }
}
const keep: TreeSpec = {
  'pkg/__init__.py': '',
  // Longer than its name, so a size taken through the __init__.pyc link would show.
  'pkg/mod.py': 'x = 1\nprint(x)\n',
  'pkg/sub/deep.py': 'y = 2\n',
  'tests/test_x.py': 'def test(): pass\n',
  'stdlib/venv/__init__.py': '# the standard library package named venv\n',
  'legacy.py': 'z = 3\n',
  'README.md': 'hello\n',
  'mixed/__pycache__/notes.txt': 'not bytecode: keeps its __pycache__\n',
  'data.pyc.bak': 'backup',
  'ext.so': 'binary',
  'ext.pyd': 'binary',
  'dir.pyc': null,
  'node_modules/dep/__pycache__/x.cpython-312.pyc': 'excluded',
  '.venv/pyvenv.cfg': 'home = /usr/bin\n',
  '.venv/lib/python3.12/site-packages/m/__pycache__/m.cpython-312.pyc': 'warm cache'
}

const expected = expectedFrom(bytecode, keep)
/** The outputs a clean of the fixture sets, given the disk space its bytecode takes. */
const outputsFor = (disk: number): Record<string, string> => ({
  'files-removed': String(expected.files),
  'dirs-removed': String(expected.dirs),
  'bytes-freed': String(expected.bytes),
  'disk-freed': String(disk),
  'tracked-files': '0',
  errors: '0'
})

/** `before` without what a clean removes. */
function afterClean(before: readonly string[]): string[] {
  return without(before, bytecode, expected)
}

/** A fresh copy of the fixture; returns its root and its listing. */
async function fixture(): Promise<{ root: string; before: string[]; disk: number }> {
  const root = await fs.mkdtemp(path.join(work, 'ws-'))
  await makeTree(root, { ...bytecode, ...keep })
  return { root, before: await listTree(root), disk: diskFrom(expected, await blocksOf(root)) }
}

/** The summary's row for a root, with an On disk column (small files take whole blocks). */
const row = (root: string, e: { dirs: number; files: number; bytes: number }, disk: number) =>
  `<tr><td><code>${root}</code></td>` +
  [formatCount(e.dirs), formatCount(e.files), formatBytes(e.bytes), formatBytes(disk), '0']
    .map(cell => `<td align="right">${cell}</td>`)
    .join('') +
  '</tr>'

let work: string

/** Runs the bundle with `node` on `workspace`, scratch files kept under this test's temp dir. */
function runAction(
  node: string,
  workspace: string,
  inputs: Record<string, string> = {}
): Promise<Run> {
  return runBundle(workspace, { node, inputs, scratch: work })
}

beforeEach(async () => {
  work = await tempDir('pyclean-e2e-')
})

afterEach(async () => {
  await removeTree(work)
})

describe.each(runtimes)('dist/index.js, run as the runner runs it, on %s', (label, node) => {
  it('is the entry action.yml names, run by the Node.js expected', () => {
    expect(readFileSync(entry, 'utf8').length).toBeGreaterThan(0)
    const major = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' })
    expect(label).toContain(major.trim().split('.')[0])
  })

  it('in a dry run reports exactly the fixture bytecode and deletes nothing', async () => {
    const { root, before, disk } = await fixture()
    const result = await runAction(node, root, { 'dry-run': 'true' })

    expect({ status: result.status, log: result.log, stderr: result.stderr }).toEqual({
      status: 0,
      log: expect.any(String),
      stderr: ''
    })
    expect(Object.keys(result.outputs).sort()).toEqual(outputNames)
    expect(result.numbers).toEqual(outputsFor(disk))
    // The report names what would go, in RUNNER_TEMP.
    expect(path.dirname(result.outputs.report)).toBe(result.runnerTemp)
    expect(result.report).toMatchObject({
      dryRun: true,
      totals: {
        filesRemoved: expected.files,
        dirsRemoved: expected.dirs,
        bytesFreed: expected.bytes,
        diskFreed: disk
      }
    })
    expect(result.summary).toContain('Dry run: nothing was deleted.')
    expect(result.summary).toContain(row(root, expected, disk))
    expect(result.log).toContain(`Would remove ${formatCount(expected.dirs)} directories`)
    expect(result.commands.filter(c => /^::(error|warning)/.test(c))).toEqual([])
    expect(await listTree(root)).toEqual(before)
  })

  it('for real removes what the dry run reported, only bytecode, and a second run finds nothing', async () => {
    const dry = await fixture()
    const real = await fixture()
    expect(real.before).toEqual(dry.before)

    const dryRun = await runAction(node, dry.root, { 'dry-run': 'true' })
    const realRun = await runAction(node, real.root)

    expect({ status: realRun.status, log: realRun.log, stderr: realRun.stderr }).toEqual({
      status: 0,
      log: expect.any(String),
      stderr: ''
    })
    expect(dryRun.status).toBe(0)
    expect(realRun.numbers).toEqual(dryRun.numbers)
    expect(realRun.numbers).toEqual(outputsFor(real.disk))
    const removed = (run: Run, root: string): string[] =>
      (run.report as { removed: string[] }).removed.map(p => path.relative(root, p)).sort()
    expect(removed(realRun, real.root)).toEqual(removed(dryRun, dry.root))
    expect(removed(realRun, real.root)).toHaveLength(expected.files + expected.dirs)
    expect(realRun.summary).toContain(row(real.root, expected, real.disk))
    expect(realRun.summary).not.toContain('Dry run')

    const after = await listTree(real.root)
    expect(after).toEqual(afterClean(real.before))
    expect(after.filter(e => /\.py[co]@?$/.test(e) && !/^(node_modules|\.venv)\//.test(e))).toEqual(
      []
    )
    const keptFiles = Object.entries(keep).filter(
      (e): e is [string, string] => typeof e[1] === 'string'
    )
    const contents = await Promise.all(
      keptFiles.map(([rel]) => fs.readFile(path.join(real.root, ...rel.split('/')), 'utf8'))
    )
    expect(contents).toEqual(keptFiles.map(([, content]) => content))

    const again = await runAction(node, real.root)
    expect({ status: again.status, log: again.log }).toEqual({ status: 0, log: expect.any(String) })
    expect(again.numbers).toEqual({
      'files-removed': '0',
      'dirs-removed': '0',
      'bytes-freed': '0',
      'disk-freed': '0',
      'tracked-files': '0',
      errors: '0'
    })
    expect(await listTree(real.root)).toEqual(after)
  })

  it("'exclude' adds to .git, .hg, .svn, node_modules; conda and pixi environments are skipped", async () => {
    const root = await fs.mkdtemp(path.join(work, 'ws-'))
    const stays = {
      '.git/hooks/__pycache__/h.cpython-312.pyc': 'g',
      '.hg/x/__pycache__/h.cpython-312.pyc': 'h',
      '.svn/x/__pycache__/s.cpython-312.pyc': 's',
      'web/node_modules/dep/__pycache__/n.cpython-312.pyc': 'n',
      'data/__pycache__/d.cpython-312.pyc': 'd',
      '.pixi/envs/default/conda-meta/history': '',
      '.pixi/envs/default/lib/python3.12/__pycache__/os.cpython-312.pyc': 'p',
      'miniconda/conda-meta/history': '',
      'miniconda/lib/__pycache__/c.cpython-312.pyc': 'c',
      // Named like the marker, but a file: not an environment.
      'notenv/conda-meta': 'a file'
    }
    await makeTree(root, {
      ...stays,
      'src/__pycache__/m.cpython-312.pyc': 'm',
      'notenv/__pycache__/e.cpython-312.pyc': 'e'
    })

    const result = await runAction(node, root, { exclude: 'data' })

    expect(result.status).toBe(0)
    expect(result.numbers).toMatchObject({ 'files-removed': '2', 'dirs-removed': '2' })
    const after = await listTree(root)
    for (const rel of Object.keys(stays)) expect(after).toContain(rel)
    expect(after.filter(e => e.startsWith('src/') || e.startsWith('notenv/'))).toEqual([
      'notenv/',
      'notenv/conda-meta',
      'src/'
    ])
    const report = result.report as { skipped: { path: string; reason: string }[] }
    expect(report.skipped.map(s => [path.relative(root, s.path), s.reason]).sort()).toEqual([
      ['.git', "matches 'exclude'"],
      ['.hg', "matches 'exclude'"],
      ['.pixi/envs/default', "environment ('include-venvs' is false)"],
      ['.svn', "matches 'exclude'"],
      ['data', "matches 'exclude'"],
      ['miniconda', "environment ('include-venvs' is false)"],
      ['web/node_modules', "matches 'exclude'"]
    ])
  })

  it('prints a name with a line break on one log line, so it cannot issue a workflow command', async () => {
    const root = await fs.mkdtemp(path.join(work, 'ws-'))
    const evil = 'a\n::error title=Injected::from a directory name\nb'
    await makeTree(root, {
      [`${evil}/__pycache__/notes.txt`]: 'keeps its __pycache__',
      [`${evil}/__pycache__/m.cpython-312.pyc`]: 'x'
    })
    const result = await runAction(node, root)
    expect(result.status).toBe(0)
    expect(result.commands.filter(c => c.includes('Injected'))).toEqual([])
    expect(result.log).toContain('a\\n::error title=Injected::from a directory name\\nb')
  })

  it("'debris: all' removes tool caches with the bytecode, counted in the outputs", async () => {
    const root = await fs.mkdtemp(path.join(work, 'ws-'))
    await makeTree(root, {
      '.pytest_cache/v/cache/lastfailed': '{}',
      '.coverage': 'data',
      'pkg/__pycache__/m.cpython-312.pyc': 'x',
      'pkg/m.py': ''
    })
    const result = await runAction(node, root, { debris: 'all' })
    expect(result.status).toBe(0)
    expect(await listTree(root)).toEqual(['pkg/', 'pkg/m.py'])
    expect(result.numbers).toMatchObject({ 'files-removed': '3', 'dirs-removed': '4' })

    const bad = await runAction(node, root, { debris: 'pytest, pytst' })
    expect(bad.status).toBe(1)
    expect(bad.commands.filter(c => c.startsWith('::error::'))).toEqual([
      expect.stringContaining("Input 'debris' has 'pytst', which is not a topic")
    ])
  })

  it("'when: post' cleans in the post step; 'prevent' exports PYTHONDONTWRITEBYTECODE", async () => {
    const { root, before } = await fixture()
    const job = await runJob(root, {
      node,
      scratch: work,
      inputs: { when: 'post', prevent: 'true' },
      // A step between the two, checking the main step left the tree alone.
      between: async () => expect(await listTree(root)).toEqual(before)
    })
    expect(job.main.status).toBe(0)
    expect(job.main.outputs).toEqual({})
    expect(job.main.env).toEqual({ PYTHONDONTWRITEBYTECODE: '1' })
    expect(job.main.state).toMatchObject({ isPost: 'true' })
    expect(job.post.status).toBe(0)
    expect(job.post.log).toContain('Post step: cleaning')
    expect(job.post.summary).toContain('## pyclean (post step)')
    expect(await listTree(root)).toEqual(afterClean(before))
    const [report] = Object.values(job.post.reports)
    expect(report).toMatchObject({ step: 'post', totals: { filesRemoved: expected.files } })
  })

  it("'when: both' cleans now and again at the end of the job", async () => {
    const { root, before, disk } = await fixture()
    const job = await runJob(root, {
      node,
      scratch: work,
      inputs: { when: 'both' },
      // A later step writes bytecode again.
      between: async () => makeTree(root, { 'pkg/__pycache__/again.cpython-312.pyc': 'zz' })
    })
    expect(job.main.numbers).toEqual(outputsFor(disk))
    expect(job.post.status).toBe(0)
    expect(await listTree(root)).toEqual(afterClean(before))
    expect(Object.values(job.post.reports)).toEqual([
      expect.objectContaining({
        totals: expect.objectContaining({ filesRemoved: 1, dirsRemoved: 1 })
      })
    ])
  })

  it("'when: now' (the default) leaves the post step nothing to do", async () => {
    const { root } = await fixture()
    const job = await runJob(root, { node, scratch: work })
    expect(job.post.status).toBe(0)
    expect(job.post.log.trim()).toBe('')
    expect(job.post.summary).toBe('')
  })

  describePython('with python3 to compile', () => {
    it("'mode: stale' removes only bytecode whose source is gone or changed", async () => {
      const root = await fs.mkdtemp(path.join(work, 'ws-'))
      await makeTree(root, { 'pkg/a.py': 'a = 1\n', 'pkg/b.py': 'b = 1\n', 'pkg/c.py': 'c = 1\n' })
      execFileSync('python3', ['-m', 'compileall', '-q', root])
      const cache = path.join(root, 'pkg', '__pycache__')
      const [a, b, c] = ['a', 'b', 'c'].map(m =>
        readdirSync(cache).find(f => f.startsWith(`${m}.`))!
      )
      await fs.rm(path.join(root, 'pkg', 'b.py'))
      await fs.appendFile(path.join(root, 'pkg', 'c.py'), 'c = 2\n')
      const result = await runAction(node, root, { mode: 'stale' })
      expect(result.status).toBe(0)
      expect(readdirSync(cache)).toEqual([a])
      expect(result.numbers).toMatchObject({ 'files-removed': '2', 'dirs-removed': '0' })
      expect([b, c].every(f => f.endsWith('.pyc'))).toBe(true)
    })
  })

  it("fails with an ::error:: naming the input on 'dry-run: yes', and deletes nothing", async () => {
    const { root, before } = await fixture()
    const result = await runAction(node, root, { 'dry-run': 'yes' })

    expect(result.status).toBe(1)
    const errors = result.commands.filter(c => c.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain("'dry-run'")
    expect(errors[0]).toContain("'yes'")
    expect(result.outputs).toEqual({})
    expect(result.summary).toBe('')
    expect(await listTree(root)).toEqual(before)
  })
})
