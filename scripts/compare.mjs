#!/usr/bin/env node
// Runs the action and the tools people use instead on the same small trees, and prints what each
// removed as the Markdown table the README's comparison shows. Every cell is what running the
// tool did; nothing in the table is written by hand.
//
//   node scripts/compare.mjs --pyclean DIR --cleanpy DIR
//
// DIR: a source checkout of pyclean (github.com/bittner/pyclean) or cleanpy
// (github.com/thombashi/cleanpy); both are pure Python and run from there with PYTHONPATH. A tool
// that is missing (no checkout given, no py3clean on PATH) gets a column of "not run".
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = name => {
  const i = args.indexOf(name)
  return i >= 0 ? resolve(args[i + 1]) : undefined
}

/**
 * Each tool, run on a tree in `cwd`: `plain` as a user runs it for bytecode, `caches` with its
 * option for tool caches and build leftovers, `empty` with its option for removing directories
 * the clean emptied (as `plain` where it has none), `dry` with its dry-run option (undefined:
 * none).
 */
function tools() {
  const python = (dir, module) => (extra, cwd) =>
    spawnSync('python3', ['-m', module, '.', ...extra], {
      cwd,
      env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8'
    })
  const sh = script => (_, cwd) => spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8' })
  // local.mjs keeps each run's temporary directory (the report file stays there): in the
  // scratch directory of the case, removed with it.
  const action = (extra, cwd) =>
    spawnSync(process.execPath, [join(top, 'scripts', 'local.mjs'), cwd, ...extra], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: dirname(cwd) }
    })
  const list = [
    {
      name: '`find` one-liner',
      run: sh(
        "find . -name __pycache__ -type d -prune -exec rm -rf {} + ; find . -name '*.py[co]' -delete"
      ),
      plain: [],
      caches: undefined,
      empty: [],
      dry: undefined
    }
  ]
  if (spawnSync('sh', ['-c', 'command -v py3clean']).status === 0) {
    list.push({
      name: '`py3clean`',
      run: (extra, cwd) => spawnSync('py3clean', ['.', ...extra], { cwd, encoding: 'utf8' }),
      plain: [],
      caches: undefined,
      empty: [],
      dry: undefined
    })
  } else list.push({ name: '`py3clean`', missing: 'not on PATH' })
  const pyclean = option('--pyclean')
  list.push(
    pyclean
      ? {
          name: 'pyclean',
          run: python(pyclean, 'pyclean'),
          plain: [],
          caches: ['--debris', 'all'],
          empty: [],
          dry: ['--dry-run']
        }
      : { name: 'pyclean', missing: 'no --pyclean checkout' }
  )
  const cleanpy = option('--cleanpy')
  list.push(
    cleanpy
      ? {
          name: 'cleanpy',
          run: python(cleanpy, 'cleanpy'),
          plain: [],
          caches: ['--all'],
          empty: [],
          dry: ['--dry-run']
        }
      : { name: 'cleanpy', missing: 'no --cleanpy checkout' }
  )
  list.push({
    name: 'this action',
    run: action,
    plain: ['--real'],
    caches: ['--real', '--input', 'debris=all'],
    empty: ['--real', '--input', 'remove-empty=true'],
    dry: []
  })
  return list
}

/**
 * The rows: a tree, which run (`plain`, `caches`, `empty` or `dry`), and the path whose fate the cell
 * shows. `git: true` commits the tree first (everything, bytecode included, as a fixture is).
 */
const ROWS = [
  {
    row: '`__pycache__/m.cpython-312.pyc` beside `m.py`',
    tree: { 'pkg/m.py': '', 'pkg/__pycache__/m.cpython-312.pyc': 'x' },
    run: 'plain',
    probe: 'pkg/__pycache__'
  },
  {
    row: 'legacy `m.pyc` beside `m.py`',
    tree: { 'pkg/m.py': '', 'pkg/m.pyc': 'x' },
    run: 'plain',
    probe: 'pkg/m.pyc'
  },
  {
    row: 'sourceless module `only.pyc` (no `only.py`)',
    tree: { 'pkg/only.pyc': 'x', 'pkg/other.py': '' },
    run: 'plain',
    probe: 'pkg/only.pyc'
  },
  {
    row: 'a `.pyc` committed to git',
    tree: { 'tests/fixture.pyc': 'x', 'tests/test_a.py': '' },
    git: true,
    run: 'plain',
    probe: 'tests/fixture.pyc'
  },
  {
    row: 'a directory named `x.pyc` holding a file',
    tree: { 'data/x.pyc/keep.txt': 'keep' },
    run: 'plain',
    probe: 'data/x.pyc/keep.txt'
  },
  {
    row: 'bytecode inside a virtualenv `.venv/`',
    tree: {
      '.venv/pyvenv.cfg': 'home = /usr/bin',
      '.venv/lib/python3.12/site-packages/__pycache__/six.cpython-312.pyc': 'x'
    },
    run: 'plain',
    probe: '.venv/lib/python3.12/site-packages/__pycache__'
  },
  {
    row: 'a file outside the tree, behind a `__pycache__` symlink',
    tree: { 'pkg/m.py': '', 'pkg/__pycache__': { link: '../../outside' } },
    outside: { 'm.cpython-312.pyc': 'x' },
    run: 'plain',
    probe: '../outside/m.cpython-312.pyc'
  },
  {
    row: '`.pytest_cache/`, with the tool-cache option',
    tree: { '.pytest_cache/v/cache/nodeids': '[]' },
    run: 'caches',
    probe: '.pytest_cache'
  },
  {
    row: '`.cache/` (pip, pre-commit data), with the tool-cache option',
    tree: { '.cache/pip/http/x': 'x' },
    run: 'caches',
    probe: '.cache'
  },
  {
    row: '`.tox/`, with the tool-cache option',
    tree: { '.tox/py312/pyvenv.cfg': 'home = /usr/bin', 'tox.ini': '' },
    run: 'caches',
    probe: '.tox'
  },
  {
    row: '`docs/_build/` beside `docs/conf.py`, with the tool-cache option',
    tree: { 'docs/conf.py': '', 'docs/_build/html/index.html': 'x' },
    run: 'caches',
    probe: 'docs/_build'
  },
  {
    row: "PyInstaller's `app.spec`, with the tool-cache option",
    tree: { 'app.spec': '# edited by hand', 'app.py': '' },
    run: 'caches',
    probe: 'app.spec'
  },
  {
    row: 'a directory left empty by the clean (the action: with `remove-empty: true`)',
    tree: { 'gen/__pycache__/m.cpython-312.pyc': 'x' },
    run: 'empty',
    probe: 'gen'
  },
  {
    row: 'dry run leaves the bytecode',
    tree: { 'pkg/m.py': '', 'pkg/__pycache__/m.cpython-312.pyc': 'x' },
    run: 'dry',
    probe: 'pkg/__pycache__/m.cpython-312.pyc'
  }
]

function write(root, spec) {
  for (const [rel, value] of Object.entries(spec)) {
    const p = join(root, rel)
    mkdirSync(dirname(p), { recursive: true })
    if (typeof value === 'string') writeFileSync(p, value)
    else symlinkSync(value.link, p)
  }
}

const exists = p => {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

/** What `tool` did to `row`'s probe: one cell. */
function cell(tool, row) {
  if (tool.missing) return 'not run'
  const extra = tool[row.run]
  if (extra === undefined) return row.run === 'dry' ? 'no dry run' : 'no such option'
  const scratch = mkdtempSync(join(tmpdir(), 'pyclean-compare-'))
  try {
    const root = join(scratch, 'tree')
    mkdirSync(root)
    write(root, row.tree)
    if (row.outside) write(join(scratch, 'outside'), row.outside)
    if (row.git) {
      const git = (...a) =>
        execFileSync('git', ['-c', 'user.name=c', '-c', 'user.email=c@example.com', ...a], {
          cwd: root,
          stdio: 'ignore'
        })
      git('init', '-q')
      git('add', '-A', '-f')
      git('commit', '-q', '-m', 'fixture')
    }
    const r = tool.run(extra, root)
    const probe = join(root, row.probe)
    const left = exists(probe)
    const failed = r.status !== 0 ? ` (exit ${r.status})` : ''
    return `${left ? 'kept' : '**removed**'}${failed}`
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

const list = tools()
const header = `| | ${list.map(t => t.name).join(' | ')} |`
const lines = [header, `| :-- |${list.map(() => ' :-- |').join('')}`]
for (const row of ROWS) lines.push(`| ${row.row} | ${list.map(t => cell(t, row)).join(' | ')} |`)
console.log(lines.join('\n'))
if (!existsSync(join(top, 'dist', 'index.js'))) process.exitCode = 1
