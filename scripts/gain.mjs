// What a user gains from cleaning, and what it costs them on the other side: for `npm run bench
// -- --gain` (see bench.mjs). Measured on a copy of the interpreter's own lib/ (the bench's `lib`
// tree), in five states:
//
//   as is                     the tree with its bytecode, as a cache would save it uncleaned
//   mode: all                 after the action removed all bytecode
//   upgraded                  every dependency upgraded (each source in site-packages rewritten,
//                             so its bytecode is stale), not cleaned
//   upgraded, mode: stale     the same, after the action removed the stale bytecode
//   upgraded, mode: all       the same, after the action removed all bytecode
//
// For each: the size of the archive actions/cache would save (`tar --posix` piped through
// `zstd -T0 --long=30`, as actions/cache does on Linux), the time to create and to extract it,
// and the time of the first and of the second run of a Python process importing a realistic set
// of modules from that tree (the interpreter with PYTHONHOME at the copy, writing bytecode as it
// does by default). The first run is what the job after a cache restore pays.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'

/** Standard library and site-packages modules a test job typically imports. */
export const IMPORTS = [
  'argparse',
  'asyncio',
  'decimal',
  'email.mime.multipart',
  'http.client',
  'json',
  'logging.handlers',
  'sqlite3',
  'unittest',
  'xml.etree.ElementTree',
  'boto3',
  'click',
  'flask',
  'hypothesis',
  'jinja2',
  'numpy',
  'pydantic',
  'pytest',
  'requests',
  'yaml'
]

const STATES = [
  { state: 'as is', upgrade: false, mode: undefined },
  { state: 'mode: all', upgrade: false, mode: 'all' },
  { state: 'upgraded', upgrade: true, mode: undefined },
  { state: 'upgraded, mode: stale', upgrade: true, mode: 'stale' },
  { state: 'upgraded, mode: all', upgrade: true, mode: 'all' }
]

const seconds = start => Number(process.hrtime.bigint() - start) / 1e9
const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1]

function sh(script, cwd) {
  const start = process.hrtime.bigint()
  const r = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${script}: ${r.stderr}`)
  return seconds(start)
}

/** The interpreter whose lib/ the bench copied (its real executable, not a shim). */
export function interpreter() {
  return execFileSync(
    'python3',
    ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'],
    {
      encoding: 'utf8'
    }
  ).trim()
}

/**
 * "Upgrades" every dependency of `lib`: each source file in site-packages is replaced by a new
 * file (never written in place: the copy is hard-linked to the bench's source) with one more
 * line, so its bytecode no longer matches it, as after `pip install -U`. Returns how many.
 */
function upgradeDependencies(lib) {
  const [version] = readdirSync(lib).filter(n => /^python\d/.test(n))
  const stack = [join(lib, version, 'site-packages')]
  let count = 0
  while (stack.length) {
    const dir = stack.pop()
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) stack.push(p)
      else if (e.isFile() && e.name.endsWith('.py')) {
        writeFileSync(`${p}.new`, `${readFileSync(p, 'utf8')}\n# upgraded\n`)
        renameSync(`${p}.new`, p)
        count++
      }
    }
  }
  return count
}

/** Seconds of one Python process importing IMPORTS with `home/lib` as its library. */
function importRun(python, home) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONHOME: home }
  const start = process.hrtime.bigint()
  const r = spawnSync(python, ['-c', `import ${IMPORTS.join(', ')}`], { env, encoding: 'utf8' })
  const took = seconds(start)
  if (r.status !== 0) throw new Error(`importing from ${home} failed: ${r.stderr.slice(-500)}`)
  return took
}

/** Counts the bytecode files below `dir`. */
function bytecodeFiles(dir) {
  const out = execFileSync('sh', ['-c', `find '${dir}' -name '*.py[co]' -type f | wc -l`], {
    encoding: 'utf8'
  })
  return Number(out.trim())
}

/**
 * Measures every state on `rounds` fresh copies of `source` in `scratch`. `clean(tree, dir,
 * mode)` runs the action for real on `tree` with that mode (dir: a scratch directory for it).
 */
export function measureGain({ source, scratch, rounds, clean, python = interpreter() }) {
  const rows = []
  for (const { state, upgrade, mode } of STATES) {
    const m = { archive: [], create: [], extract: [], first: [], second: [] }
    let treeBytes
    let bytecode
    let upgraded
    for (let round = 0; round < rounds; round++) {
      rmSync(scratch, { recursive: true, force: true })
      const home = join(scratch, 'home')
      const lib = join(home, 'lib')
      mkdirSync(join(scratch, 'run'), { recursive: true })
      mkdirSync(home)
      execFileSync('cp', ['-al', source, lib])
      rmSync(join(lib, '.ready'), { force: true })
      if (upgrade) upgraded = upgradeDependencies(lib)
      if (mode !== undefined) clean(lib, join(scratch, 'run'), mode)
      spawnSync('sync')
      bytecode = bytecodeFiles(lib)
      treeBytes = Number(execFileSync('du', ['-sb', lib], { encoding: 'utf8' }).split('\t')[0])
      const archive = join(scratch, 'cache.tzst')
      m.create.push(
        sh(`tar --posix -cf - -C '${home}' lib | zstd -q -T0 --long=30 -o '${archive}'`)
      )
      m.archive.push(statSync(archive).size)
      const out = join(scratch, 'restored')
      mkdirSync(out)
      m.extract.push(sh(`zstd -q -d --long=30 -c '${archive}' | tar -xf - -C '${out}'`))
      rmSync(out, { recursive: true, force: true })
      rmSync(archive)
      // The job after a restore: its first run writes the bytecode that is missing or stale.
      m.first.push(importRun(python, home))
      m.second.push(importRun(python, home))
    }
    rows.push({
      state,
      upgradedSources: upgraded,
      bytecodeFiles: bytecode,
      treeBytes,
      archiveBytes: median(m.archive),
      createSeconds: median(m.create),
      extractSeconds: median(m.extract),
      firstImportSeconds: median(m.first),
      secondImportSeconds: median(m.second)
    })
  }
  rmSync(scratch, { recursive: true, force: true })
  return rows
}

/** The rows as the Markdown table docs/performance.md shows. */
export function gainTable(rows, rounds) {
  const base = rows[0]
  const mb = b => `${(b / 1e6).toFixed(0)} MB`
  const lines = [
    `\n## What users gain (${IMPORTS.length} modules imported; medians of ${rounds} rounds)\n`,
    '| tree | bytecode files | tree size | archive (tar + zstd) | create | extract | first import | second import |',
    '| :-- | --: | --: | --: | --: | --: | --: | --: |'
  ]
  for (const r of rows) {
    const pct = `${((100 * r.archiveBytes) / base.archiveBytes).toFixed(0)}%`
    lines.push(
      `| ${r.state} | ${r.bytecodeFiles.toLocaleString('en-US')} | ${mb(r.treeBytes)} | ` +
        `${mb(r.archiveBytes)} (${pct}) | ${r.createSeconds.toFixed(2)} s | ` +
        `${r.extractSeconds.toFixed(2)} s | ${r.firstImportSeconds.toFixed(2)} s | ` +
        `${r.secondImportSeconds.toFixed(2)} s |`
    )
  }
  return lines.join('\n')
}
