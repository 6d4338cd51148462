#!/usr/bin/env node
// Benchmark: the committed action (dist/index.js) against the tools people use today, on fresh
// hard-linked copies of the same trees, alternating order each round. A script you run and read,
// not a timed test.
//
//   npm run bench -- [--rounds 5] [--trees lib,1e5,1e6] [--no-node24] [--full-copy] [--git]
//                    [--stale] [--fs here,ext4,xfs,tmpfs] [--gain] [--work DIR]
//
// Trees: `lib` is a copy of this machine's Python installation's lib/ (standard library and
// site-packages), compiled at optimization levels 0, 1 and 2 if it has no bytecode yet; `1e5` and
// `1e6` are synthetic trees of about that many entries. Sources are built once under --work and
// reused; each run gets a fresh `cp -al` copy, so set-up is cheap and not timed. With --full-copy
// it gets a `cp -a` copy instead (slower set-up): no file is hard-linked, so, as in a user's tree,
// each unlink frees its file, which on some file systems is most of the cost.
//
// With --git, each tree is a git repository first (as a checkout is: everything committed but the
// bytecode, which .git/info/exclude ignores), and the action also runs with 'keep-tracked: false':
// the difference is what the tracked-file guard costs (one `git rev-parse` and one `git ls-files`
// per work tree).
//
// With --stale, the action also runs dry in `mode: stale`, without and with `python: python3`
// (the interpreter whose lib/ it is): the difference to the `mode: all` dry run is what judging
// costs (a stat of each source and a 16-byte read of each .pyc; one run of python3).
//
// With --fs (as root), every tree is benchmarked on each file system listed: `here` is --work as
// it is; `ext4` and `xfs` are loop-mounted images made with default mkfs options (ext4 with a
// journal and no discard, as a hosted runner's disk), `tmpfs` a tmpfs, as self-hosted runners
// often use. They are made in the system's temporary directory and unmounted and deleted on exit,
// also on Ctrl-C. This machine's own root file system (ext4 without a journal, mounted with
// discard) is unusual: quote figures from the loop-mounted ones.
//
// With --gain, the `lib` tree is also measured as a user would (scripts/gain.mjs): the size of
// the archive actions/cache would save before and after cleaning, the time to create and extract
// it, and the first import of a set of modules after a restore, also after a dependency upgrade
// with `mode: stale`. The rows go to gain.json under --work; scripts/gain-chart.mjs draws them.
//
// Contenders: the find one-liner (the reference), py3clean where installed, and the action (real
// run and dry run) on the local Node and on the Node that action.yml declares. After each run the
// tree is checked: a real run must leave no bytecode and everything else; a dry run must change
// nothing; the action's outputs must count exactly the bytecode the tree had.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { actionDefaults } from './local.mjs'
import { gainTable, interpreter, measureGain } from './gain.mjs'

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(top, 'dist', 'index.js')

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const args = {
    rounds: 5,
    trees: ['lib', '1e5'],
    node24: true,
    fullCopy: false,
    git: false,
    stale: false,
    gain: false,
    fs: ['here'],
    work: join(tmpdir(), 'pyclean-bench')
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--rounds') args.rounds = Number(argv[++i])
    else if (a === '--trees') args.trees = argv[++i].split(',')
    else if (a === '--no-node24') args.node24 = false
    else if (a === '--full-copy') args.fullCopy = true
    else if (a === '--git') args.git = true
    else if (a === '--stale') args.stale = true
    else if (a === '--gain') args.gain = true
    else if (a === '--fs') args.fs = argv[++i].split(',')
    else if (a === '--work') args.work = resolve(argv[++i])
    else throw new Error(`unknown argument '${a}'; see the header of scripts/bench.mjs`)
  }
  if (!Number.isInteger(args.rounds) || args.rounds < 1)
    throw new Error('--rounds takes a whole number ≥ 1')
  const unknown = args.fs.filter(f => !FILE_SYSTEMS.includes(f))
  if (unknown.length > 0) throw new Error(`--fs takes ${FILE_SYSTEMS.join(', ')}; not ${unknown}`)
  return args
}

// ---------------------------------------------------------------------------------------------
// Trees

const isBytecode = name => name.endsWith('.pyc') || name.endsWith('.pyo')

/** Counts of a tree: all entries, bytecode files, __pycache__ dirs (links not followed). */
function census(root) {
  let entries = 0
  let files = 0
  let pycache = 0
  const stack = [root]
  while (stack.length) {
    const dir = stack.pop()
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      entries++
      if (e.isDirectory()) {
        if (e.name === '__pycache__') pycache++
        stack.push(join(dir, e.name))
      } else if (isBytecode(e.name)) files++
    }
  }
  return { entries, files, pycache }
}

function pythonLib(work) {
  const source = join(work, 'src-lib')
  if (existsSync(join(source, '.ready'))) return source
  const prefix = execFileSync('python3', ['-c', 'import sys; print(sys.prefix)'], {
    encoding: 'utf8'
  }).trim()
  console.log(`Copying ${prefix}/lib to ${source} …`)
  rmSync(source, { recursive: true, force: true })
  execFileSync('cp', ['-a', join(prefix, 'lib'), source])
  if (census(source).files === 0) {
    console.log('No bytecode in it: compiling at optimization levels 0, 1 and 2 …')
    spawnSync('python3', ['-m', 'compileall', '-q', '-o', '0', '-o', '1', '-o', '2', source], {
      stdio: 'inherit'
    })
  }
  writeFileSync(join(source, '.ready'), '')
  return source
}

/** A deterministic PRNG (mulberry32), so a synthetic tree is the same on every machine. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A synthetic project tree of about `target` entries, shaped like site-packages: packages of
 * modules with a __pycache__ holding one to three .pyc per module (plain, opt-1, opt-2), data
 * files, sub-packages down to depth 8, and now and then a wide directory of 500 data files.
 */
function synthetic(work, target) {
  const source = join(work, `src-${target.toExponential().replace('+', '')}`)
  if (existsSync(join(source, '.ready'))) return source
  console.log(
    `Generating a synthetic tree of ~${target.toLocaleString('en-US')} entries in ${source} …`
  )
  rmSync(source, { recursive: true, force: true })
  const random = prng(20261126)
  const pick = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1))
  const blob = n => Buffer.alloc(n, 0x61)
  let entries = 0
  const makePackage = (dir, depth) => {
    mkdirSync(dir, { recursive: true })
    entries++
    const modules = pick(2, 12)
    writeFileSync(join(dir, '__init__.py'), blob(pick(0, 200)))
    const cache = join(dir, '__pycache__')
    mkdirSync(cache)
    entries += 2
    for (let m = 0; m < modules; m++) {
      const name = `mod_${m}`
      writeFileSync(join(dir, `${name}.py`), blob(pick(200, 8000)))
      writeFileSync(join(cache, `${name}.cpython-312.pyc`), blob(pick(300, 12000)))
      entries += 2
      if (random() < 0.3) {
        writeFileSync(join(cache, `${name}.cpython-312.opt-1.pyc`), blob(pick(300, 12000)))
        entries++
      }
      if (random() < 0.15) {
        writeFileSync(join(cache, `${name}.cpython-312.opt-2.pyc`), blob(pick(300, 12000)))
        entries++
      }
    }
    for (let d = pick(0, 4); d > 0; d--) {
      writeFileSync(
        join(dir, `data_${d}.${['json', 'txt', 'so', 'pyi'][d % 4]}`),
        blob(pick(10, 4000))
      )
      entries++
    }
    if (random() < 0.01) {
      const wide = join(dir, 'wide_data')
      mkdirSync(wide)
      for (let w = 0; w < 500; w++) writeFileSync(join(wide, `item_${w}.dat`), blob(16))
      entries += 501
    }
    if (depth < 8) {
      for (let s = pick(0, depth < 2 ? 6 : 3); s > 0 && entries < target; s--) {
        makePackage(join(dir, `sub_${s}`), depth + 1)
      }
    }
  }
  for (let p = 0; entries < target; p++) makePackage(join(source, `pkg_${p}`), 0)
  writeFileSync(join(source, '.ready'), '')
  return source
}

/**
 * `source` as a git checkout, built once beside it: every file committed but the bytecode, which
 * `.git/info/exclude` ignores (as a project's .gitignore usually does).
 */
function gitRepo(source) {
  const repo = `${source}-git`
  if (existsSync(join(repo, '.ready'))) return repo
  console.log(`Making ${repo}: a git repository of ${source}, bytecode ignored …`)
  rmSync(repo, { recursive: true, force: true })
  execFileSync('cp', ['-a', source, repo])
  const git = (...a) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...a], {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit']
    })
  git('init', '-q', '-b', 'main')
  writeFileSync(join(repo, '.git', 'info', 'exclude'), '__pycache__/\n*.py[co]\n.ready\n')
  git('add', '-A')
  // No background gc: it would move objects while a copy is made. Packed once, as a clone is.
  git('-c', 'gc.auto=0', 'commit', '-q', '-m', 'checkout')
  git('gc', '-q')
  writeFileSync(join(repo, '.ready'), '')
  return repo
}

// ---------------------------------------------------------------------------------------------
// Running

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

/** Runs a command in `cwd`; wall time in seconds, and peak RSS in MB where GNU time exists. */
function timed(command, args, cwd, env) {
  const argv = timeBin ? [timeBin, ['-f', '%M %U %S', command, ...args]] : [command, args]
  const start = process.hrtime.bigint()
  const child = spawnSync(argv[0], argv[1], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (child.error) throw child.error
  const [rss, user, sys] = timeBin
    ? child.stderr.trim().split('\n').pop().split(' ').map(Number)
    : [undefined, undefined, undefined]
  return {
    seconds,
    rss: rss === undefined ? undefined : rss / 1024,
    user,
    sys,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr
  }
}

function actionEnv(dryRun, outputFile, overrides = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_'))
  )
  const inputs = {
    ...actionDefaults(readFileSync(join(top, 'action.yml'), 'utf8')),
    'dry-run': String(dryRun),
    summary: 'false',
    ...overrides
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  env.GITHUB_OUTPUT = outputFile
  // The report file goes beside the output file, into the scratch directory each run replaces.
  env.RUNNER_TEMP = dirname(outputFile)
  return env
}

function readOutputs(file) {
  const out = {}
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(/^(.+)<<(ghadelimiter_[\w-]+)\n(.*)\n\2$/gm)) out[m[1]] = m[3]
  return out
}

/** Runs the bundle on a tree with `inputs` over the defaults; returns its time and outputs. */
function actionRun(node, dryRun, inputs) {
  return (cwd, scratch) => {
    const outputFile = join(scratch, 'output')
    writeFileSync(outputFile, '')
    const result = timed(node, [entry], cwd, {
      ...actionEnv(dryRun, outputFile, inputs),
      GITHUB_WORKSPACE: cwd
    })
    return { ...result, outputs: readOutputs(outputFile) }
  }
}

/** [label, executable] of the local Node and, unless --no-node24, the one action.yml declares. */
function nodeList(args) {
  const nodes = [[`node ${process.versions.node.split('.')[0]}`, process.execPath]]
  if (args.node24) {
    const node24 = execFileSync('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], {
      encoding: 'utf8'
    }).trim()
    nodes.push(['node 24', node24])
  }
  return nodes
}

/**
 * Start-up: the action on an empty tree against `node -e 0`, 21 alternating runs each, with and
 * without the tracked-file guard (which runs git once even where there is no repository).
 */
function startup(nodes) {
  const scratch = mkdtempSync(join(tmpdir(), 'pyclean-bench-startup-'))
  const tree = join(scratch, 'tree')
  mkdirSync(tree)
  const rows = []
  try {
    for (const [label, node] of nodes) {
      const runs = [
        ['node -e 0', () => timed(node, ['-e', '0'], tree)],
        ['action, keep-tracked: false', actionRun(node, false, { 'keep-tracked': 'false' })],
        ['action (defaults)', actionRun(node, false, {})]
      ]
      const times = runs.map(() => [])
      for (let i = 0; i < 21; i++) {
        const order = i % 2 ? runs.map((_, k) => k) : runs.map((_, k) => runs.length - 1 - k)
        for (const k of order) times[k].push(runs[k][1](tree, scratch).seconds * 1000)
      }
      const base = median(times[0])
      for (const [k, [name]] of runs.entries()) {
        rows.push({
          node: label,
          run: name,
          ms: median(times[k]),
          overNode: median(times[k]) - base
        })
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  console.log('\n## Start-up on an empty tree (median of 21 runs)\n')
  console.log('| Node | run | median | over `node -e 0` |')
  console.log('| :-- | :-- | --: | --: |')
  for (const r of rows) {
    console.log(`| ${r.node} | ${r.run} | ${r.ms.toFixed(1)} ms | ${r.overNode.toFixed(1)} ms |`)
  }
  return rows
}

function contenders(args, nodes) {
  const list = [
    {
      name: 'find (reference)',
      reference: true,
      run: cwd =>
        timed(
          'sh',
          [
            '-c',
            "find . -name __pycache__ -type d -prune -exec rm -rf {} + ; find . -name '*.py[co]' -delete"
          ],
          cwd
        )
    }
  ]
  // One pass: -depth reaches a __pycache__'s files before the directory. (GNU find refuses
  // -prune with -delete, and then deletes nothing.)
  list.push({
    name: 'find, single pass',
    run: cwd =>
      timed(
        'find',
        [
          '.',
          '-depth',
          '(',
          '-name',
          '__pycache__',
          '-type',
          'd',
          '-exec',
          'rm',
          '-rf',
          '{}',
          '+',
          ')',
          '-o',
          '(',
          '-name',
          '*.py[co]',
          '-delete',
          ')'
        ],
        cwd
      )
  })
  if (spawnSync('sh', ['-c', 'command -v fdfind']).status === 0) {
    // -s: case-sensitive; -u: hidden and ignored files too.
    const fd =
      "fdfind -s -u -t d '^__pycache__$' -X rm -rf ; fdfind -s -u -t f '\\.py[co]$' -X rm -f"
    list.push({ name: 'fd-find', run: cwd => timed('sh', ['-c', fd], cwd) })
  }
  if (spawnSync('sh', ['-c', 'command -v py3clean']).status === 0) {
    list.push({ name: 'py3clean .', run: cwd => timed('py3clean', ['.'], cwd) })
  }
  // With --git, the same runs without the tracked-file guard too, to show what it costs.
  const guards = args.git ? [true, false] : [true]
  for (const [label, node] of nodes) {
    for (const guard of guards) {
      for (const dryRun of [false, true]) {
        const inputs = guard ? {} : { 'keep-tracked': 'false' }
        list.push({
          name:
            `action ${dryRun ? 'dry run' : 'real run'}, ${label}` +
            (args.git ? (guard ? ', keep-tracked' : ', keep-tracked: false') : ''),
          action: true,
          dryRun,
          run: actionRun(node, dryRun, inputs)
        })
      }
    }
  }
  if (args.stale) {
    for (const [label, node] of nodes) {
      for (const python of [undefined, 'python3']) {
        const inputs = { mode: 'stale', ...(python ? { python } : {}) }
        list.push({
          name: `action dry run, mode: stale${python ? `, python: ${python}` : ''}, ${label}`,
          action: true,
          dryRun: true,
          stale: true,
          run: actionRun(node, true, inputs)
        })
      }
    }
  }
  return list
}

/** Checks a run's result; returns a problem, or undefined when the tree is as it must be. */
function check(contender, result, before, after) {
  if (result.status !== 0) return `exit ${result.status}: ${result.stderr.slice(-300)}`
  if (contender.dryRun) {
    if (after.entries !== before.entries)
      return `dry run changed the tree (${before.entries} → ${after.entries})`
  } else {
    const left = after.files + after.pycache
    if (left > 0) return `${after.files} bytecode files and ${after.pycache} __pycache__ left`
    const expected = before.entries - before.files - before.pycache
    if (after.entries !== expected) return `${after.entries} entries left, expected ${expected}`
  }
  if (contender.stale) {
    const judged = Number(result.outputs['files-removed'])
    if (!(judged <= before.files)) return `files-removed ${judged} > ${before.files} bytecode files`
    return undefined
  }
  if (contender.action) {
    const o = result.outputs
    if (
      o['files-removed'] !== String(before.files) ||
      o['dirs-removed'] !== String(before.pycache)
    ) {
      return `outputs ${JSON.stringify(o)} ≠ ${before.files} files, ${before.pycache} dirs`
    }
  }
  return undefined
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function benchTree(label, source, args, list) {
  const before = census(source)
  console.log(
    `\n## ${label}: ${before.entries.toLocaleString('en-US')} entries, ` +
      `${before.pycache.toLocaleString('en-US')} __pycache__, ${before.files.toLocaleString('en-US')} bytecode files`
  )
  // One scratch directory per invocation, so two benchmarks never share a tree.
  const scratch = join(args.work, `runs-${process.pid}`)
  const times = new Map(list.map(c => [c.name, []]))
  const ratios = new Map(list.map(c => [c.name, []]))
  const rss = new Map(list.map(c => [c.name, []]))
  const cpu = new Map(list.map(c => [c.name, { user: [], sys: [] }]))
  const problems = new Map(list.map(c => [c.name, []]))
  /** `mode: stale` runs: how many files each judged stale (the same every round). */
  const judged = new Map()
  for (let round = 0; round < args.rounds; round++) {
    // Alternate the order: rotate by the round, and reverse every other round.
    let order = list.map((_, i) => list[(i + round) % list.length])
    if (round % 2) order = order.reverse()
    const roundTimes = new Map()
    for (const c of order) {
      rmSync(scratch, { recursive: true, force: true })
      mkdirSync(scratch, { recursive: true })
      const tree = join(scratch, 'tree')
      execFileSync('cp', [args.fullCopy ? '-a' : '-al', source, tree])
      spawnSync('sync')
      const result = c.run(tree, scratch)
      const problem = check(c, result, before, census(tree))
      if (problem) problems.get(c.name).push(`round ${round + 1}: ${problem}`)
      if (c.stale) judged.set(c.name, result.outputs['files-removed'])
      roundTimes.set(c.name, result.seconds)
      times.get(c.name).push(result.seconds)
      if (result.rss !== undefined) rss.get(c.name).push(result.rss)
      if (result.user !== undefined) {
        cpu.get(c.name).user.push(result.user)
        cpu.get(c.name).sys.push(result.sys)
      }
    }
    const ref = roundTimes.get(list[0].name)
    for (const c of list) ratios.get(c.name).push(roundTimes.get(c.name) / ref)
    process.stdout.write(`  round ${round + 1}/${args.rounds} done\n`)
  }
  rmSync(scratch, { recursive: true, force: true })

  console.log(
    '\n| contender | median wall | median ratio to find | median user | median sys | peak RSS | clean check |'
  )
  console.log('| :-- | --: | --: | --: | --: | --: | :-- |')
  const rows = []
  for (const c of list) {
    const row = {
      tree: label,
      entries: before.entries,
      contender: c.name,
      median: median(times.get(c.name)),
      ratio: median(ratios.get(c.name)),
      rss: rss.get(c.name).length ? Math.max(...rss.get(c.name)) : undefined,
      user: cpu.get(c.name).user.length ? median(cpu.get(c.name).user) : undefined,
      sys: cpu.get(c.name).sys.length ? median(cpu.get(c.name).sys) : undefined,
      problems: problems.get(c.name)
    }
    rows.push(row)
    console.log(
      `| ${c.name} | ${row.median.toFixed(3)} s | ${row.ratio.toFixed(2)} | ` +
        `${row.user === undefined ? 'n/a' : `${row.user.toFixed(2)} s`} | ` +
        `${row.sys === undefined ? 'n/a' : `${row.sys.toFixed(2)} s`} | ` +
        `${row.rss === undefined ? 'n/a' : `${row.rss.toFixed(0)} MB`} | ` +
        `${row.problems.length ? `FAILED: ${row.problems[0]}` : 'ok'}` +
        `${judged.has(c.name) ? ` (${judged.get(c.name)} judged stale)` : ''} |`
    )
  }
  return rows
}

/** --gain: the `lib` tree as a user measures it (scripts/gain.mjs), cleaned by the action. */
function userGain(source, work, args) {
  const python = interpreter()
  const clean = (tree, scratch, mode) => {
    const inputs = { mode, ...(mode === 'stale' ? { python } : {}) }
    const r = actionRun(process.execPath, false, inputs)(tree, scratch)
    if (r.status !== 0) throw new Error(`the action failed on ${tree}: ${r.stdout.slice(-500)}`)
  }
  const scratch = join(work, `gain-${process.pid}`)
  console.log(`\nMeasuring what users gain on copies of ${source} (python: ${python}) …`)
  const rows = measureGain({ source, scratch, rounds: args.rounds, clean, python })
  console.log(gainTable(rows, args.rounds))
  return rows
}

// ---------------------------------------------------------------------------------------------
// File systems (--fs)

const FILE_SYSTEMS = ['here', 'ext4', 'xfs', 'tmpfs']
/** Mounted by this run: file system → { dir, image }, to unmount on exit. */
const mounted = new Map()
/**
 * The size of an image (sparse: only what is written takes space). Default mkfs.ext4 options give
 * an inode per 16 KiB, so a million entries, twice over (source and copy), need 32 GiB.
 */
const imageSize = trees => (trees.includes('1e6') ? '32G' : '8G')

/** A fresh file system of kind `fs`, mounted; returns a work directory on it. */
function mountFileSystem(fs, trees) {
  if (process.getuid?.() !== 0) throw new Error(`--fs ${fs} needs root (mount)`)
  const base = mkdtempSync(join(tmpdir(), `pyclean-bench-${fs}-`))
  const dir = join(base, 'mnt')
  mkdirSync(dir)
  let image
  if (fs === 'tmpfs') {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${imageSize(trees)}`, 'tmpfs', dir])
  } else {
    image = join(base, `${fs}.img`)
    execFileSync('truncate', ['-s', imageSize(trees), image])
    const mkfs =
      fs === 'ext4' ? ['mkfs.ext4', ['-q', '-F', image]] : ['mkfs.xfs', ['-q', '-f', image]]
    try {
      execFileSync(mkfs[0], mkfs[1], { stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (error) {
      rmSync(base, { recursive: true, force: true })
      throw new Error(`${mkfs[0]} failed (Debian: e2fsprogs, xfsprogs): ${error.message}`, {
        cause: error
      })
    }
    execFileSync('mount', ['-o', 'loop', image, dir])
  }
  mounted.set(fs, { base, dir })
  return join(dir, 'work')
}

function unmountFileSystem(fs) {
  const m = mounted.get(fs)
  if (m === undefined) return
  mounted.delete(fs)
  spawnSync('umount', [m.dir])
  rmSync(m.base, { recursive: true, force: true })
}

function unmountAll() {
  for (const fs of [...mounted.keys()]) unmountFileSystem(fs)
}
process.on('exit', unmountAll)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    unmountAll()
    process.exit(130)
  })
}

/** What `work` is on, for the header: the kind and its mount options. */
function fileSystemLabel(fs, work) {
  if (fs === 'tmpfs') return 'tmpfs'
  if (fs !== 'here') return `${fs} (loop-mounted image, default mkfs options)`
  const r = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,OPTIONS', '-T', work], { encoding: 'utf8' })
  return r.status === 0 ? `the work directory's file system (${r.stdout.trim()})` : 'here'
}

function main() {
  const args = parseArgs(process.argv.slice(2))
  // Node 24 is looked up once (npx), for the contenders and the start-up table.
  const nodes = nodeList(args)
  const list = contenders(args, nodes)
  const copies = args.fullCopy ? 'full copies (cp -a)' : 'hard-linked copies (cp -al)'
  const all = []
  const gains = []
  for (const fs of args.fs) {
    const work = fs === 'here' ? args.work : mountFileSystem(fs, args.trees)
    mkdirSync(work, { recursive: true })
    console.log(
      `\n# Benchmark on ${process.platform}, ${fileSystemLabel(fs, work)}, ${args.rounds} rounds ` +
        `on ${copies}; sources under ${work}`
    )
    for (const t of args.trees) {
      const plain = t === 'lib' ? pythonLib(work) : synthetic(work, Number(t))
      const source = args.git ? gitRepo(plain) : plain
      const label =
        `${t === 'lib' ? 'Python lib/' : `synthetic ${t}`}${args.git ? ' (git checkout)' : ''}` +
        (fs === 'here' ? '' : ` on ${fs}`)
      all.push(...benchTree(label, source, { ...args, work }, list).map(r => ({ ...r, fs })))
      if (args.gain && t === 'lib')
        gains.push(...userGain(plain, work, args).map(r => ({ ...r, fs })))
    }
    if (fs !== 'here') unmountFileSystem(fs)
  }
  const synth = all.filter(r => r.tree.startsWith('synthetic'))
  const sizes = [...new Set(synth.map(r => r.entries))].sort((a, b) => a - b)
  if (sizes.length >= 2) {
    console.log('\n## Growth (largest vs smallest synthetic tree)')
    const [small, large] = [sizes[0], sizes[sizes.length - 1]]
    for (const c of list) {
      const a = synth.find(r => r.entries === small && r.contender === c.name)
      const b = synth.find(r => r.entries === large && r.contender === c.name)
      console.log(
        `- ${c.name}: ${(large / small).toFixed(1)}x entries, ${(b.median / a.median).toFixed(1)}x time`
      )
    }
  }
  const starts = startup(nodes)
  mkdirSync(args.work, { recursive: true })
  writeFileSync(join(args.work, 'startup.json'), JSON.stringify(starts, null, 2))
  writeFileSync(join(args.work, 'results.json'), JSON.stringify(all, null, 2))
  console.log(`\nResults also in ${join(args.work, 'results.json')}`)
  if (gains.length > 0) {
    writeFileSync(join(args.work, 'gain.json'), JSON.stringify(gains, null, 2))
    console.log(
      `What users gain in ${join(args.work, 'gain.json')} (chart: scripts/gain-chart.mjs)`
    )
  }
  if (all.some(r => r.problems.length)) process.exitCode = 1
}

main()
