/**
 * Issue 14: the committed bundle on Windows Node, run under Wine as a Windows runner runs it
 * (INPUT_* with action.yml's defaults, the command files, a `Z:\` workspace and RUNNER_TEMP),
 * compared with the same tree cleaned on Linux. Wine is not Windows: nothing here tests links,
 * share modes, ACLs or POSIX delete semantics through Wine (docs/safety.md, Limits).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { pythons, writingEnv } from '../__fixtures__/pythons.js'
import {
  linuxPath,
  runAction,
  runJob,
  WINE,
  winPath,
  wineEnv,
  type Run
} from '../__fixtures__/runner.js'
import { listTree, makeTree, tempTrees, type TreeSpec } from '../__fixtures__/tree.js'
import { windowsNodes } from '../__fixtures__/windows.js'

const found = windowsNodes()
const nodes = 'nodes' in found ? found.nodes : []
const describeWindows = nodes.length > 0 ? describe : describe.skip
if ('reason' in found) console.log(`windows.test.ts: skipped: ${found.reason}.`)
// CI installs Wine (.ci/run) and fetches Windows Node: there, not running is a failure.
if ('reason' in found && process.env.CI === 'true') {
  throw new Error(`CI must run the Windows suite: ${found.reason}.`)
}

const trees = tempTrees()
afterEach(() => trees.removeAll())

/** Bytecode of every kind the action removes, beside what it must leave. */
const MIXED: TreeSpec = {
  'app/__init__.py': '',
  'app/__pycache__/__init__.cpython-312.pyc': 'a'.repeat(100),
  'app/__pycache__/mod.cpython-312.opt-1.pyc': 'b'.repeat(200),
  'app/__pycache__/__pycache__/nested.cpython-312.pyc': 'c'.repeat(30),
  'app/mod.py': 'x = 1\n',
  'app/mod.pyc': 'd'.repeat(40),
  'app/lonely.pyc': 'e'.repeat(50),
  'data/__pycache__/notes.txt': 'keep me',
  'data/__pycache__/x.cpython-311.pyc': 'f'.repeat(60),
  'node_modules/pkg/__pycache__/y.cpython-312.pyc': 'g'.repeat(70),
  'Deep/Er/__pycache__/z.cpython-313.pyc': 'h'.repeat(80),
  // Names Win32 would trim (a trailing dot or space): long-path names keep them literal.
  'dot./__pycache__/t.cpython-312.pyc': 'i'.repeat(90),
  'space /__pycache__/s.cpython-312.pyc': 'j'.repeat(110),
  '.pytest_cache/v/cache/lastfailed': '{}',
  'README.md': '# hi\n'
}

/** What a run removed, as `/`-separated paths below `root`, sorted. */
function removedBelow(run: Run, root: string): string[] {
  const report = run.report as { removed: string[] } | undefined
  return (report?.removed ?? []).map(p => path.relative(root, linuxPath(p))).sort()
}

/** The same tree twice: one copy for Linux, one for Windows. */
async function twins(spec: TreeSpec): Promise<[linux: string, windows: string]> {
  return [await trees.tree(spec), await trees.tree(spec)]
}

describeWindows.each(nodes)('%s', (_label, exe) => {
  const windows = { exe }

  it('cleans a mixed tree exactly as on Linux: outputs, removed paths, the tree left', async () => {
    const [linuxRoot, windowsRoot] = await twins(MIXED)
    const inputs = { debris: 'pytest' }

    const onLinux = await runAction(linuxRoot, { inputs })
    const onWindows = await runAction(windowsRoot, { inputs, windows })

    expect(onWindows.status).toBe(0)
    expect(onWindows.stderr).toBe('')
    const { 'disk-freed': linuxDisk, ...linuxNumbers } = onLinux.numbers
    const { 'disk-freed': windowsDisk, ...windowsNumbers } = onWindows.numbers
    expect(windowsNumbers).toEqual(linuxNumbers)
    expect(Number(windowsDisk)).toBeGreaterThan(0)
    expect(Number(linuxDisk)).toBeGreaterThan(0)
    expect(removedBelow(onWindows, windowsRoot)).toEqual(removedBelow(onLinux, linuxRoot))
    expect(await listTree(windowsRoot)).toEqual(await listTree(linuxRoot))
    // The report names Windows paths, as a Windows runner's would.
    expect((onWindows.report as { removed: string[] }).removed[0]).toMatch(/^Z:\\/)
  })

  it('removes the directories the run emptied (remove-empty) exactly as on Linux', async () => {
    const [linuxRoot, windowsRoot] = await twins(MIXED)
    const inputs = { debris: 'pytest', 'remove-empty': 'true' }

    const onLinux = await runAction(linuxRoot, { inputs })
    const onWindows = await runAction(windowsRoot, { inputs, windows })

    expect(onWindows.status).toBe(0)
    expect(onWindows.stderr).toBe('')
    // Emptied all the way up: Deep/Er held only its __pycache__, Deep only Er.
    expect(removedBelow(onLinux, linuxRoot)).toEqual(
      expect.arrayContaining(['Deep', 'Deep/Er', 'dot.', 'space '])
    )
    expect(removedBelow(onWindows, windowsRoot)).toEqual(removedBelow(onLinux, linuxRoot))
    expect(onWindows.numbers['dirs-removed']).toBe(onLinux.numbers['dirs-removed'])
    expect(await listTree(windowsRoot)).toEqual(await listTree(linuxRoot))
  })

  it('runs the post step with the main step’s settings', async () => {
    const root = await trees.tree(MIXED)
    const job = await runJob(root, {
      inputs: { when: 'post' },
      windows,
      between: async () => {
        await makeTree(root, { 'later/__pycache__/late.cpython-312.pyc': 'late' })
      }
    })
    expect([job.main.status, job.post.status]).toEqual([0, 0])
    expect(job.main.numbers).toEqual({})
    expect(job.post.log).toContain('Post step: cleaning')
    const left = await listTree(root)
    expect(left.filter(p => p.endsWith('.pyc') && !p.startsWith('node_modules/'))).toEqual([
      'app/lonely.pyc'
    ])
  })

  it('removes a read-only file (libuv clears the attribute itself), with no error', async () => {
    const root = await trees.tree({ 'pkg/__pycache__/ro.cpython-312.pyc': 'x'.repeat(10) })
    const file = path.join(root, 'pkg', '__pycache__', 'ro.cpython-312.pyc')
    await fs.chmod(file, 0o444)
    // Wine shows a file without write bits as read-only: Windows Node sees no write bit.
    const seen = path.join(root, 'mode.txt')
    execFileSync(
      WINE,
      [
        exe,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(winPath(seen))}, ` +
          `require('fs').lstatSync(${JSON.stringify(winPath(file))}).mode.toString(8))`
      ],
      { env: { ...process.env, ...wineEnv() }, stdio: 'ignore' }
    )
    expect(await fs.readFile(seen, 'utf8')).toBe('100444')
    await fs.rm(seen)
    const run = await runAction(root, { windows })
    expect([run.status, run.numbers['files-removed'], run.numbers.errors]).toEqual([0, '1', '0'])
    expect(await listTree(root)).toEqual(['pkg/'])
  })

  it('says why a __pycache__ stays when a file deleted in it is still open in another process', async () => {
    const root = await trees.tree({ 'pkg/__pycache__/held.cpython-312.pyc': 'held' })
    const held = path.join(root, 'pkg', '__pycache__', 'held.cpython-312.pyc')
    const [ready, release] = [path.join(root, 'ready'), path.join(root, 'release')]
    // Another Windows process opens the file (Node opens with delete sharing) and holds it.
    const holder = spawn(
      WINE,
      [
        exe,
        '-e',
        `const fs = require('fs'); fs.openSync(${JSON.stringify(winPath(held))}, 'r'); ` +
          `fs.writeFileSync(${JSON.stringify(winPath(ready))}, ''); ` +
          `const t = setInterval(() => fs.existsSync(${JSON.stringify(winPath(release))}) && ` +
          `clearInterval(t), 50)`
      ],
      { env: { ...process.env, ...wineEnv() }, stdio: 'ignore' }
    )
    const exited = new Promise(resolve => holder.on('exit', resolve))
    try {
      for (let i = 0; i < 600 && !existsSync(ready); i++) await sleep(50)
      expect(existsSync(ready)).toBe(true)
      await fs.rm(ready)
      const run = await runAction(root, { windows })
      expect([run.status, run.numbers['files-removed'], run.numbers['dirs-removed']]).toEqual([
        0,
        '1',
        '0'
      ])
      expect(run.numbers.errors).toBe('0')
      expect(run.log).toContain(
        `Kept ${winPath(path.join(root, 'pkg', '__pycache__'))}: a file deleted in it is still ` +
          'open in another process, which keeps its name until it closes the file; left in place.'
      )
      // Its name stays until the holder closes it.
      expect(existsSync(held)).toBe(true)
    } finally {
      await fs.writeFile(release, '')
      await exited
    }
    await fs.rm(release)
    expect(await listTree(root)).toEqual(['pkg/', 'pkg/__pycache__/'])
  })

  it('matches exclude without regard to case, as Windows does, and a backslash path line', async () => {
    const [linuxRoot, windowsRoot] = await twins(MIXED)
    const inputs = { path: '.\\', exclude: 'DEEP' }
    const onLinux = await runAction(linuxRoot, { inputs: { exclude: 'DEEP' } })
    const onWindows = await runAction(windowsRoot, { inputs, windows })
    const deep = 'Deep/Er/__pycache__/z.cpython-313.pyc'
    expect(removedBelow(onLinux, linuxRoot)).toContain(deep)
    expect(removedBelow(onWindows, windowsRoot)).toEqual(
      removedBelow(onLinux, linuxRoot).filter(p => !p.startsWith('Deep'))
    )
  })

  it('expands a ~\\ path line to the Windows home directory', async () => {
    // Wine's home for this user is inside its prefix: C:\\users\\NAME.
    const home = path.join(wineEnv().WINEPREFIX, 'drive_c', 'users', os.userInfo().username)
    const name = `pyclean-home-${process.pid}`
    await makeTree(path.join(home, name), { 'pkg/__pycache__/h.cpython-312.pyc': 'home' })
    try {
      const root = await trees.tree({})
      const run = await runAction(root, { inputs: { path: `~\\${name}` }, windows })
      expect([run.status, run.numbers['files-removed'], run.numbers['dirs-removed']]).toEqual([
        0,
        '1',
        '1'
      ])
      expect(await listTree(path.join(home, name))).toEqual(['pkg/'])
    } finally {
      await fs.rm(path.join(home, name), { recursive: true, force: true })
    }
  })

  it('refuses a path that is a drive root, naming it', async () => {
    const root = await trees.tree({})
    const run = await runAction(root, { inputs: { path: 'Z:\\' }, windows })
    expect(run.status).toBe(1)
    expect(run.commands.join('\n')).toMatch(/::error::.*Z:\\/)
  })

  it('removes bytecode at the end of paths of 300 and 1,000 characters', async () => {
    for (const length of [300, 1000]) {
      const root = await trees.tree({})
      const parts: string[] = []
      while ([root, ...parts].join('/').length < length) parts.push('d'.repeat(40))
      const deep = path.join(root, ...parts, '__pycache__')
      await fs.mkdir(deep, { recursive: true })
      await fs.writeFile(path.join(deep, 'm.cpython-312.pyc'), 'x')
      const run = await runAction(root, { windows })
      expect([length, run.status, run.numbers['files-removed'], run.numbers.errors]).toEqual([
        length,
        0,
        '1',
        '0'
      ])
    }
  })
})

const python = pythons([3, 8])[0]
const describeStale = nodes.length > 0 && python !== undefined ? describe : describe.skip

describeStale('mode: stale on Windows Node, on bytecode a real interpreter wrote', () => {
  it.each(nodes)('%s judges as Linux does', async (_label, exe) => {
    const [linuxRoot, windowsRoot] = await twins({
      'pkg/a.py': 'a = 1\n',
      'pkg/b.py': 'b = 1\n',
      'pkg/c.py': 'c = 1\n'
    })
    for (const root of [linuxRoot, windowsRoot]) {
      execFileSync(python, ['-m', 'compileall', '-q', root], { env: writingEnv() })
      await fs.appendFile(path.join(root, 'pkg', 'b.py'), '# edited\n')
      await fs.rm(path.join(root, 'pkg', 'c.py'))
    }
    const inputs = { mode: 'stale', 'dry-run': 'true' }
    const onLinux = await runAction(linuxRoot, { inputs })
    const onWindows = await runAction(windowsRoot, { inputs, windows: { exe } })
    expect(onWindows.numbers).toEqual(onLinux.numbers)
    expect(removedBelow(onWindows, windowsRoot)).toEqual(removedBelow(onLinux, linuxRoot))
    expect(removedBelow(onLinux, linuxRoot)).toHaveLength(2)
  })
})
