// scripts/local.mjs, the README's first command: runs the committed bundle on a directory as a
// runner would. Each run has its own temporary directory (two users never share a file), the
// report it names still exists afterwards, an input name action.yml does not declare or a
// `dry-run=false` without --real is warned about, and `::debug::` lines show only with
// RUNNER_DEBUG=1, as on a runner.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, promises as fs, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { listTree, makeTree, removeTree, tempDir } from '../__fixtures__/tree.js'

const top = path.resolve(import.meta.dirname, '..')
const script = path.join(top, 'scripts', 'local.mjs')

interface Parsed {
  inputs: Record<string, string>
  dir: string
  real: boolean
  warnings: string[]
}
const local = (await import(pathToFileURL(script).href)) as {
  actionDefaults: (text: string) => Record<string, string>
  parseArgs: (argv: string[], defaults: Record<string, string>) => Parsed
}
const defaults = local.actionDefaults(readFileSync(path.join(top, 'action.yml'), 'utf8'))

let work: string
beforeEach(async () => {
  work = await tempDir('pyclean-local-test-')
  await fs.chmod(work, 0o755)
})
afterEach(async () => {
  await removeTree(work)
})

/** Runs local.mjs (from `from`, the checkout by default) with its own TMPDIR. */
function runLocal(
  args: string[],
  options: { tmp: string; env?: NodeJS.ProcessEnv; from?: string; user?: [number, number] }
): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: options.tmp, ...options.env }
  for (const key of Object.keys(env)) if (/^(INPUT_|GITHUB_|RUNNER_)/.test(key)) delete env[key]
  Object.assign(env, options.env)
  const file = path.join(options.from ?? top, 'scripts', 'local.mjs')
  const [command, argv] = options.user
    ? [
        'setpriv',
        [
          `--reuid=${options.user[0]}`,
          `--regid=${options.user[1]}`,
          '--clear-groups',
          process.execPath,
          file,
          ...args
        ]
      ]
    : [process.execPath, [file, ...args]]
  const r = spawnSync(command, argv, { encoding: 'utf8', env, timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const reportOf = (stdout: string): string => /^report=(.+)$/m.exec(stdout)?.[1] ?? ''

describe('parseArgs', () => {
  it('warns about an input name action.yml does not declare, and ignores it', () => {
    const parsed = local.parseArgs(['--input', 'dryrun=true', 'some/dir'], defaults)
    expect(parsed.warnings).toEqual([
      expect.stringMatching(/^'--input dryrun=true': action.yml has no input 'dryrun'; ignored\./)
    ])
    expect(parsed.inputs).not.toHaveProperty('dryrun')
    expect(parsed.dir).toBe('some/dir')
  })

  it("warns that '--input dry-run=false' without --real is still a dry run", () => {
    const parsed = local.parseArgs(['--input', 'dry-run=false'], defaults)
    expect(parsed.inputs['dry-run']).toBe('true')
    expect(parsed.warnings).toEqual([
      "'--input dry-run=false' is overruled: without --real this is a dry run; add --real to delete."
    ])
    const real = local.parseArgs(['--real', '--input', 'dry-run=false'], defaults)
    expect(real).toMatchObject({ real: true, warnings: [] })
    expect(real.inputs['dry-run']).toBe('false')
    expect(local.parseArgs(['--input', 'mode=stale'], defaults).warnings).toEqual([])
    expect(local.parseArgs(['--input', 'dry-run= true'], defaults).warnings).toEqual([])
    const bare = local.parseArgs(['--input', 'path'], defaults)
    expect(bare.warnings).toEqual([
      "'--input path': expected name=value (for example mode=stale); ignored."
    ])
    expect(bare.inputs.path).toBe(defaults.path)
  })
})

describe('node scripts/local.mjs', () => {
  it('runs a dry run in a temporary directory of its own, whose report still exists afterwards', async () => {
    const ws = path.join(work, 'ws')
    await makeTree(ws, { 'p/__pycache__/m.cpython-312.pyc': 'x', 'p/m.py': '' })
    const tmp = path.join(work, 'tmp')
    await fs.mkdir(tmp)
    const before = await listTree(ws)

    const first = runLocal([ws], { tmp })
    const second = runLocal([ws], { tmp })

    expect(first.status).toBe(0)
    expect(second.status).toBe(0)
    expect(await listTree(ws)).toEqual(before)
    const [a, b] = [reportOf(first.stdout), reportOf(second.stdout)]
    expect(existsSync(a)).toBe(true)
    expect(existsSync(b)).toBe(true)
    expect(path.dirname(path.dirname(a))).not.toBe(path.dirname(path.dirname(b)))
    expect(first.stdout).toContain(`Report: ${a}`)
    expect(JSON.parse(readFileSync(a, 'utf8'))).toMatchObject({ dryRun: true })
  })

  it('hides ::debug:: lines unless RUNNER_DEBUG=1, as a runner does', async () => {
    const ws = path.join(work, 'ws')
    await makeTree(ws, { 'p/__pycache__/m.cpython-312.pyc': 'x' })
    const tmp = path.join(work, 'tmp')
    await fs.mkdir(tmp)

    const quiet = runLocal([ws], { tmp })
    const debug = runLocal([ws], { tmp, env: { RUNNER_DEBUG: '1' } })

    expect(quiet.stdout).not.toContain('::debug::')
    expect(debug.stdout).toMatch(/^::debug::Would remove .*m\.cpython-312\.pyc$/m)
  })

  it('prints the warnings on stderr and still runs', async () => {
    const ws = path.join(work, 'ws')
    await makeTree(ws, { 'p/__pycache__/m.cpython-312.pyc': 'x' })
    const tmp = path.join(work, 'tmp')
    await fs.mkdir(tmp)
    const r = runLocal([ws, '--input', 'dryrun=true', '--input', 'dry-run=false'], { tmp })
    expect(r.status).toBe(0)
    expect(r.stderr).toContain("local.mjs: warning: '--input dryrun=true'")
    expect(r.stderr).toContain("local.mjs: warning: '--input dry-run=false' is overruled")
    expect(await listTree(ws)).toContain('p/__pycache__/m.cpython-312.pyc')
  })
})

const isRoot = process.platform !== 'win32' && process.getuid?.() === 0
const describeAsRoot = isRoot ? describe : describe.skip
if (!isRoot) console.log('local.test.ts: the second-user case needs root (setpriv); skipped.')

describeAsRoot('node scripts/local.mjs run by two users with one TMPDIR', () => {
  it('works for the second user too (no shared report directory)', async () => {
    // A copy of what the script needs, where nobody can read it (the checkout may be 0700).
    const copy = path.join(work, 'copy')
    for (const rel of ['scripts/local.mjs', 'action.yml', 'dist/index.js', 'dist/package.json']) {
      await fs.mkdir(path.dirname(path.join(copy, rel)), { recursive: true })
      await fs.copyFile(path.join(top, rel), path.join(copy, rel))
    }
    execFileSync('chmod', ['-R', 'a+rX', copy])
    const ws = path.join(work, 'ws')
    await makeTree(ws, { 'p/__pycache__/m.cpython-312.pyc': 'x' })
    execFileSync('chmod', ['-R', 'a+rX', ws])
    // A shared, sticky TMPDIR, as /tmp is.
    const tmp = path.join(work, 'tmp')
    await fs.mkdir(tmp)
    await fs.chmod(tmp, 0o1777)
    const nobody = [
      Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }))
    ] as [number, number]

    const root = runLocal([ws], { tmp, from: copy })
    const other = runLocal([ws], { tmp, from: copy, user: nobody })

    expect(root.status).toBe(0)
    expect({ status: other.status, stderr: other.stderr }).toEqual({ status: 0, stderr: '' })
    expect(existsSync(reportOf(other.stdout))).toBe(true)
  })
})
