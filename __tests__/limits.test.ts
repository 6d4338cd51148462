/**
 * Large and deep trees (issue 3): 50 levels deep, 10,000 entries in one directory, names of
 * NAME_MAX (255) bytes, paths at PATH_MAX (4096) and beyond it, and a tree about 2,000 levels
 * deep. Real temporary trees, no mocks: no crash, no stack overflow, exact counts, and whatever
 * cannot be reached is reported in `failures` while the rest is still cleaned.
 *
 * PATH_MAX and NAME_MAX are the Linux values; the tests that depend on them (and those that need
 * a shell to build a tree deeper than any absolute path can name) run on Linux only. The deepest
 * tree is also cleaned by the committed bundle in a `node` with a small stack, since ~2,000
 * levels would fit in the default stack even for a recursive walk.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { action, actionDefaults } from '../__fixtures__/action.js'
import { listTree, makeTree, removeTree, tempDir, type TreeSpec } from '../__fixtures__/tree.js'
import { cleanListing, type ListedResult } from '../__fixtures__/removal.js'

/** Bytes in a path, terminating NUL included, that Linux accepts in one system call. */
const PATH_MAX = 4096
/** Bytes in one file name on Linux file systems (ext4, xfs, btrfs, tmpfs). */
const NAME_MAX = 255
/** The longest path a system call accepts: PATH_MAX counts the terminating NUL. */
const LONGEST = PATH_MAX - 1

const describeLinux = process.platform === 'linux' ? describe : describe.skip

async function clean(root: string, dryRun = false): Promise<{ result: ListedResult }> {
  // Their legacy .pyc files have no sources beside them: removed too, to count every target.
  return { result: await cleanListing(root, { dryRun, keepSourceless: false }) }
}

function numbers(r: ListedResult): { files: number; dirs: number; bytes: number; errors: number } {
  return {
    files: r.filesRemoved,
    dirs: r.dirsRemoved,
    bytes: r.bytesFreed,
    errors: r.failures.length
  }
}

const bytes = (s: string): number => Buffer.byteLength(s)

/** Runs a bash script in `cwd`: for trees whose absolute paths are too long for any syscall. */
function sh(cwd: string, script: string): string {
  return execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
}

/**
 * A bash script that builds, from the current directory, the chain `root/names[0]/names[1]/…`
 * with `__pycache__/x.pyc` (content `x` repeated level+1 times) at each level in `bytecodeAt`
 * (level 0 is the root), and the commands in `extra` run in their level. It moves down with
 * relative `mkdir -p` and `cd` only, so no path it hands to the kernel is longer than a few
 * thousand bytes, however deep the chain gets.
 */
function chainScript(
  root: string,
  names: readonly string[],
  bytecodeAt: ReadonlySet<number>,
  extra: ReadonlyMap<number, string> = new Map()
): string {
  const lines = [`mkdir '${root}'`, `cd '${root}'`]
  const bytecode = (level: number): void => {
    if (!bytecodeAt.has(level) && !extra.has(level)) return
    if (bytecodeAt.has(level)) {
      lines.push(`mkdir __pycache__`, `printf '%s' '${'x'.repeat(level + 1)}' > __pycache__/x.pyc`)
    }
    if (extra.has(level)) lines.push(extra.get(level) as string)
  }
  bytecode(0)
  let segment: string[] = []
  const descend = (): void => {
    if (segment.length === 0) return
    const rel = segment.join('/')
    lines.push(`mkdir -p '${rel}'`, `cd '${rel}'`)
    segment = []
  }
  names.forEach((name, i) => {
    if (bytes([...segment, name].join('/')) > 3000) descend()
    segment.push(name)
    if (bytecodeAt.has(i + 1) || extra.has(i + 1)) {
      descend()
      bytecode(i + 1)
    }
  })
  descend()
  return lines.join('\n')
}

/** Depths (below `root`, in `cwd`) of what `find` matches: works at any depth, unlike listTree. */
function depths(cwd: string, root: string, test: string): number[] {
  const out = sh(cwd, `find '${root}' ${test} -printf '%d\\n'`)
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b)
}

/**
 * Runs the committed bundle as the runner does (action.yml's defaults, `inputs` over them, a
 * GITHUB_OUTPUT file), in a child `node` with a stack of `stackKb` KB instead of the default
 * 984, and returns its exit status and outputs. (Not __fixtures__/runner.ts: importing it
 * fetches action.yml's Node with npx, which these tests do not need.)
 */
async function runBundle(
  workspace: string,
  inputs: Record<string, string>,
  stackKb: number
): Promise<{ status: number | null; outputs: Record<string, string>; stderr: string }> {
  const outputFile = path.join(workspace, 'github-output.txt')
  await fs.writeFile(outputFile, '')
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(INPUT_|GITHUB_)/i.test(key) && key !== 'NODE_OPTIONS') env[key] = value
  }
  for (const [name, value] of Object.entries({ ...actionDefaults, ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  env.GITHUB_OUTPUT = outputFile
  env.GITHUB_WORKSPACE = workspace
  // The report file goes to RUNNER_TEMP (else the system's temporary directory): one removed
  // with the test's other directories.
  env.RUNNER_TEMP = await temp()
  const entry = fileURLToPath(new URL(`../${action.runs.main}`, import.meta.url))
  const child = spawnSync(process.execPath, [`--stack-size=${stackKb}`, entry], {
    cwd: workspace,
    env,
    encoding: 'utf8',
    timeout: 60_000
  })
  const outputs: Record<string, string> = {}
  // name<<DELIMITER, one value line, DELIMITER: every output here is a single line.
  const lines = (await fs.readFile(outputFile, 'utf8')).split('\n')
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (m) outputs[m[1]] = lines[++i]
  }
  return { status: child.status, outputs, stderr: child.stderr }
}

/** The sum of 1..n bytes of `x`: what `chainScript` writes at the given levels. */
const chainBytes = (levels: readonly number[]): number => levels.reduce((sum, l) => sum + l + 1, 0)

let dirs: string[] = []
/** Over-long trees, removed with `rm -rf` from their parent (fs.rm cannot name what is inside). */
let shellDirs: { parent: string; name: string }[] = []

async function temp(): Promise<string> {
  const dir = await tempDir('pyclean-limits-')
  dirs.push(dir)
  return dir
}

afterEach(async () => {
  for (const { parent, name } of shellDirs) sh(parent, `rm -rf '${name}'`)
  shellDirs = []
  for (const dir of dirs) await removeTree(dir)
  dirs = []
})

describe('deep trees', () => {
  it('50 levels deep: bytecode at several levels, the deepest included, all removed', async () => {
    const root = await temp()
    const levels = Array.from({ length: 50 }, (_, i) => `l${String(i + 1).padStart(2, '0')}`)
    const at = (level: number): string => levels.slice(0, level).join('/')
    const prefix = (level: number): string => (level === 0 ? '' : `${at(level)}/`)
    const spec: TreeSpec = {}
    const gone: string[] = []
    let expectedBytes = 0
    for (let level = 0; level <= 50; level++) spec[`${prefix(level)}mod.py`] = ''
    for (const level of [0, 1, 10, 25, 49, 50]) {
      const content = 'b'.repeat(level + 1)
      spec[`${prefix(level)}__pycache__/mod.cpython-312.pyc`] = content
      gone.push(`${prefix(level)}__pycache__/`, `${prefix(level)}__pycache__/mod.cpython-312.pyc`)
      expectedBytes += level + 1
    }
    spec[`${at(50)}/legacy.pyc`] = 'legacy'
    gone.push(`${at(50)}/legacy.pyc`)
    expectedBytes += 6
    await makeTree(root, spec)
    const before = await listTree(root)

    const dry = await clean(root, true)
    expect(await listTree(root)).toEqual(before)
    const { result } = await clean(root)

    expect(numbers(result)).toEqual({ files: 7, dirs: 6, bytes: expectedBytes, errors: 0 })
    expect(numbers(dry.result)).toEqual(numbers(result))
    expect(await listTree(root)).toEqual(before.filter(e => !gone.includes(e)))
    expect(result.removed).toContain(path.join(root, at(50), '__pycache__'))
  }, 30_000)
})

describe('wide trees', () => {
  it('10,000 entries in one directory: .pyc, .py and packages with __pycache__', async () => {
    const root = await temp()
    // 4,500 + 4,500 + 999 + 1 = 10,000 entries directly in the root.
    const pyc = Array.from({ length: 4500 }, (_, i) => `m${i}.pyc`)
    const py = Array.from({ length: 4500 }, (_, i) => `m${i}.py`)
    const pkgs = Array.from({ length: 999 }, (_, i) => `p${i}`)
    const cache = Array.from({ length: 25 }, (_, i) => `c${i}.cpython-312.pyc`)
    const jobs: (() => Promise<void>)[] = [
      ...pyc.map((name, i) => () => fs.writeFile(path.join(root, name), String(i))),
      ...py.map(name => () => fs.writeFile(path.join(root, name), 'print()')),
      ...pkgs.map(name => async () => {
        await fs.mkdir(path.join(root, name, '__pycache__'), { recursive: true })
        await fs.writeFile(path.join(root, name, '__pycache__', 'm.cpython-312.pyc'), 'pkg')
      }),
      async () => {
        await fs.mkdir(path.join(root, '__pycache__'))
        for (const name of cache) await fs.writeFile(path.join(root, '__pycache__', name), 'c')
      }
    ]
    for (let i = 0; i < jobs.length; i += 256) {
      await Promise.all(jobs.slice(i, i + 256).map(job => job()))
    }
    expect(await fs.readdir(root)).toHaveLength(10_000)

    const expected = {
      files: 4500 + 999 + 25,
      dirs: 999 + 1,
      bytes: pyc.reduce((sum, _, i) => sum + String(i).length, 0) + 999 * 3 + 25,
      errors: 0
    }
    const dry = await clean(root, true)
    expect(numbers(dry.result)).toEqual(expected)
    expect(await fs.readdir(root)).toHaveLength(10_000)
    // Every entry read once: the root's, one per package, one per package __pycache__, the cache.
    expect(dry.result.entries).toBe(10_000 + 999 + 999 + 25)

    const { result } = await clean(root)
    expect(numbers(result)).toEqual(expected)
    expect((await fs.readdir(root)).sort()).toEqual([...py, ...pkgs].sort())
    for (const pkg of pkgs.slice(0, 5)) expect(await fs.readdir(path.join(root, pkg))).toEqual([])
  }, 60_000)

  it('a __pycache__ of 10,000 files is emptied and removed', async () => {
    const root = await temp()
    const cache = path.join(root, 'pkg', '__pycache__')
    await fs.mkdir(cache, { recursive: true })
    await fs.writeFile(path.join(root, 'pkg', 'm.py'), '')
    const names = Array.from({ length: 10_000 }, (_, i) => `m${i}.cpython-312.pyc`)
    for (let i = 0; i < names.length; i += 500) {
      await Promise.all(names.slice(i, i + 500).map(n => fs.writeFile(path.join(cache, n), 'pyc')))
    }

    const { result } = await clean(root)
    expect(numbers(result)).toEqual({ files: 10_000, dirs: 1, bytes: 30_000, errors: 0 })
    expect(await listTree(root)).toEqual(['pkg/', 'pkg/m.py'])
  }, 60_000)
})

describe('names of NAME_MAX (255) bytes', () => {
  const pyc = `${'a'.repeat(251)}.pyc`
  const accented = `${'é'.repeat(125)}a.pyc` // é is 2 bytes in UTF-8
  const cjk = `${'日'.repeat(83)}ab.pyc` // 日 is 3 bytes in UTF-8
  const link = `${'s'.repeat(251)}.pyc`
  const dir = 'd'.repeat(255)
  const umlautDir = `${'ü'.repeat(127)}x`
  const tagged = `${'c'.repeat(239)}.cpython-312.pyc`
  const dirLikePyc = `${'e'.repeat(251)}.pyc`
  const py = `${'f'.repeat(252)}.py`

  it('the names used here are exactly 255 bytes', () => {
    for (const name of [pyc, accented, cjk, link, dir, umlautDir, tagged, dirLikePyc, py]) {
      expect(bytes(name)).toBe(NAME_MAX)
    }
  })

  describeLinux('on Linux', () => {
    it('one byte more is refused by the file system (so 255 really is the limit)', async () => {
      const root = await temp()
      const name = `${'a'.repeat(252)}.pyc`
      await expect(fs.writeFile(path.join(root, name), '')).rejects.toMatchObject({
        code: 'ENAMETOOLONG'
      })
    })
  })

  it('bytecode files, links and directories with 255-byte names are cleaned', async () => {
    const root = await temp()
    await makeTree(root, {
      [pyc]: 'one',
      [accented]: 'two',
      [cjk]: 'three',
      [link]: { link: 'nowhere' },
      [`${dir}/__pycache__/${tagged}`]: 'four',
      [`${dir}/keep.py`]: '',
      [`${umlautDir}/__pycache__/x.pyc`]: 'five',
      [`${dirLikePyc}/inner.py`]: '',
      [py]: ''
    })
    const dry = await clean(root, true)
    const { result } = await clean(root)
    expect(numbers(result)).toEqual({
      files: 6,
      dirs: 2,
      bytes: bytes('onetwothreenowherefourfive'),
      errors: 0
    })
    expect(numbers(dry.result)).toEqual(numbers(result))
    expect(await listTree(root)).toEqual(
      [
        `${dir}/`,
        `${dir}/keep.py`,
        `${umlautDir}/`,
        `${dirLikePyc}/`,
        `${dirLikePyc}/inner.py`,
        py
      ].sort()
    )
  })
})

describeLinux('paths at and beyond PATH_MAX (4096)', () => {
  it('a chain of 200-byte names down to a .pyc whose path is 4,095 bytes: cleaned', async () => {
    const root = await temp()
    // The deepest directory is as long as it can be for __pycache__/x.pyc to fit in PATH_MAX.
    const deepest = LONGEST - bytes('/__pycache__/x.pyc')
    let dir = root
    const levels: string[] = [root]
    while (deepest - bytes(dir) > NAME_MAX + 1) {
      dir = path.join(dir, 'n'.repeat(200))
      levels.push(dir)
    }
    dir = path.join(dir, 'z'.repeat(deepest - bytes(dir) - 1))
    levels.push(dir)
    expect(bytes(dir)).toBe(deepest)
    for (const level of levels) {
      await fs.mkdir(path.join(level, '__pycache__'), { recursive: true })
      await fs.writeFile(path.join(level, '__pycache__', 'x.pyc'), 'x')
      await fs.writeFile(path.join(level, 'm.py'), '')
    }
    expect(bytes(path.join(dir, '__pycache__', 'x.pyc'))).toBe(LONGEST)

    const dry = await clean(root, true)
    const { result } = await clean(root)
    const n = levels.length
    expect(numbers(result)).toEqual({ files: n, dirs: n, bytes: n, errors: 0 })
    expect(numbers(dry.result)).toEqual(numbers(result))
    expect(result.removed).toContain(path.join(dir, '__pycache__', 'x.pyc'))
    expect((await listTree(root)).filter(e => e.includes('pyc'))).toEqual([])
    expect(await fs.readdir(dir)).toEqual(['m.py'])
  }, 30_000)

  it('a tree longer than PATH_MAX: no throw, the unreachable part is counted, the rest cleaned', async () => {
    const parent = await temp()
    const root = path.join(parent, 'over')
    // Levels 0..k reachable: level k is 4,065 bytes long, so its __pycache__/x.pyc (4,083)
    // fits, and a 104-byte name beside it (4,170 bytes as an absolute path) is still removed,
    // since removal names an entry relative to its directory. Levels k+1.. cannot be read.
    const lastReachable = LONGEST - 30
    const names: string[] = []
    let length = bytes(root)
    while (lastReachable - length > NAME_MAX + 1) {
      names.push('o'.repeat(200))
      length += 201
    }
    names.push('q'.repeat(lastReachable - length - 1))
    const k = names.length
    for (let i = 0; i < 4; i++) names.push('p'.repeat(200))
    const all = Array.from({ length: names.length + 1 }, (_, level) => level)
    const longName = `${'l'.repeat(100)}.pyc`
    shellDirs.push({ parent, name: 'over' })
    sh(
      parent,
      chainScript('over', names, new Set(all), new Map([[k, `printf long > '${longName}'`]]))
    )
    const levelDir = (level: number): string => path.join(root, ...names.slice(0, level))
    expect(bytes(levelDir(k))).toBe(lastReachable)
    expect(bytes(levelDir(names.length))).toBeGreaterThan(PATH_MAX + 700)

    const reachable = all.filter(level => level <= k)
    const expected = {
      files: reachable.length + 1,
      dirs: reachable.length,
      bytes: chainBytes(reachable) + Buffer.byteLength('long'),
      errors: 1
    }
    const expectedFailures = [{ path: levelDir(k + 1), operation: 'read', code: 'ENAMETOOLONG' }]
    const failures = (r: ListedResult): unknown[] =>
      [...r.failures]
        .map(({ path, operation, code }) => ({ path, operation, code }))
        .sort((a, b) => a.operation.localeCompare(b.operation))

    const dry = await clean(root, true)
    expect(numbers(dry.result)).toEqual(expected)
    expect(failures(dry.result)).toEqual(expectedFailures)

    const { result } = await clean(root)
    expect(numbers(result)).toEqual(expected)
    expect(failures(result)).toEqual(expectedFailures)

    // What is left: all bytecode below level k.
    const beyond = all.filter(level => level > k)
    expect(depths(parent, 'over', "-name '*.pyc'")).toEqual(beyond.map(level => level + 2))
    expect(depths(parent, 'over', '-name __pycache__')).toEqual(beyond.map(level => level + 1))
  }, 30_000)
})

describeLinux('very deep trees', () => {
  it('about 2,000 levels, as deep as PATH_MAX allows, and on to 3,000: no stack overflow', async () => {
    // One-byte names: level n is root + 2n bytes. The walker keeps an explicit work list, so
    // depth costs no stack; the kernel stops it where the path outgrows PATH_MAX.
    //
    // ~2,000 levels fit in Node's default stack even for a recursive walk, so the bundle also
    // runs with a 200 KB stack: a recursive walk of this tree overflows at 300 KB already (tried
    // on a copy of src/scan.ts), the work list runs at 120 KB.
    const parent = await temp()
    const root = path.join(parent, 'deep')
    const total = 3000
    const names = Array.from({ length: total }, () => 'a')
    const levelLength = (level: number): number => bytes(root) + 2 * level
    // The deepest level whose __pycache__/x.pyc still fits in PATH_MAX.
    const deepest = Math.floor((LONGEST - bytes('/__pycache__/x.pyc') - bytes(root)) / 2)
    // The deepest level that can still be listed.
    const listable = Math.floor((LONGEST - bytes(root)) / 2)
    expect(deepest).toBeGreaterThan(1900)
    const reachable = [0, 1, 50, 500, 1000, 1500, deepest - 1, deepest]
    const beyond = [listable + 1, 2500, total]
    expect(Math.max(...reachable.slice(0, -2))).toBeLessThan(deepest - 1)
    shellDirs.push({ parent, name: 'deep' })
    sh(parent, chainScript('deep', names, new Set([...reachable, ...beyond])))
    expect(levelLength(deepest) + bytes('/__pycache__/x.pyc')).toBeLessThanOrEqual(LONGEST)
    expect(levelLength(listable + 1)).toBeGreaterThan(LONGEST)

    const bundle = await runBundle(
      parent,
      { path: 'deep', 'dry-run': 'true', summary: 'false' },
      200
    )
    expect({ status: bundle.status, stderr: bundle.stderr, ...bundle.outputs }).toMatchObject({
      status: 0,
      stderr: '',
      'files-removed': `${reachable.length}`,
      'dirs-removed': `${reachable.length}`,
      'bytes-freed': `${chainBytes(reachable)}`,
      errors: '1'
    })

    const { result } = await clean(root)
    expect(numbers(result)).toEqual({
      files: reachable.length,
      dirs: reachable.length,
      bytes: chainBytes(reachable),
      errors: 1
    })
    expect(result.failures[0]).toMatchObject({
      path: root + '/a'.repeat(listable + 1),
      operation: 'read',
      code: 'ENAMETOOLONG'
    })
    expect(result.removed).toContain(path.join(root + '/a'.repeat(deepest), '__pycache__'))
    // Every listable level was read: one entry each (the next level), plus the bytecode
    // levels' __pycache__ and its x.pyc.
    expect(result.entries).toBe(listable + 1 + 2 * reachable.length)
    expect(depths(parent, 'deep', "-name '*.pyc'")).toEqual(beyond.map(level => level + 2))
  }, 30_000)
})
