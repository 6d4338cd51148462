// The README's test command passes wherever a user clones, including below a directory only its
// owner may enter (a 0700 home such as /root, or a `mktemp -d` directory). As root, the
// permission tests run the bundle as `nobody`, who cannot traverse such a parent: they must run
// a copy placed where `nobody` can reach it. This runs them from a copy of the checkout made in
// a fresh 0700 directory, with this checkout's node_modules linked in.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { removeTree, tempDir, toolEnv } from '../__fixtures__/tree.js'

const top = path.resolve(import.meta.dirname, '..')

/** Why this cannot run here, or undefined when it can. */
function skipReason(): string | undefined {
  if (process.platform === 'win32') return 'no mode bits on Windows'
  if (process.getuid?.() !== 0) return 'only root runs the bundle as another user (nobody)'
  try {
    execFileSync('git', ['-C', top, 'rev-parse', '--show-toplevel'], { stdio: 'ignore' })
  } catch {
    return 'needs git and a git checkout to copy'
  }
  return undefined
}

const reason = skipReason()
const describeHere = reason === undefined ? describe : describe.skip
if (reason !== undefined) console.log(`clone.test.ts skipped: ${reason}.`)

/** The checkout's files as a clone would have them: tracked and new, not ignored, not deleted. */
function checkoutFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['-C', top, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { encoding: 'utf8' }
  )
  return listed.split('\0').filter(f => f !== '')
}

let home: string

beforeAll(async () => {
  home = await tempDir('pyclean-clone-')
  await fs.chmod(home, 0o700)
})

afterAll(async () => {
  if (home !== undefined) await removeTree(home)
})

describeHere('a checkout below a 0700 directory, as root', () => {
  it('passes the permission tests, which run the bundle as nobody', async () => {
    const clone = path.join(home, 'pyclean-action')
    for (const file of checkoutFiles()) {
      const from = path.join(top, file)
      const stat = await fs.lstat(from).catch(() => undefined)
      // Deleted, a submodule, or a link (a node_modules symlink is not matched by node_modules/).
      if (stat === undefined || !stat.isFile()) continue
      await fs.mkdir(path.dirname(path.join(clone, file)), { recursive: true })
      await fs.copyFile(from, path.join(clone, file))
    }
    await fs.symlink(path.join(top, 'node_modules'), path.join(clone, 'node_modules'))
    expect((await fs.stat(home)).mode & 0o777).toBe(0o700)

    const result = spawnSync('npm', ['test', '--', '__tests__/permissions.test.ts'], {
      cwd: clone,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...toolEnv(), NODE_OPTIONS: '' }
    })

    const log = `${result.stdout}\n${result.stderr}`
    expect(log).not.toContain('Cannot find module')
    expect(log).toMatch(/Tests: +\d+ passed, \d+ total/)
    expect({ status: result.status, error: result.error }).toEqual({ status: 0, error: undefined })
  }, 300_000)
})
