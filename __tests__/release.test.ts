// scripts/release.mjs, run in a scratch git repository: tags vX.Y.Z, moves vX, and refuses an
// unsound release.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { removeTree, tempDir } from '../__fixtures__/tree.js'

const script = fileURLToPath(new URL('../scripts/release.mjs', import.meta.url))

let repo: string
let origin: string

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

function release(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: repo, encoding: 'utf8' })
  return { status: r.status, out: r.stdout + r.stderr }
}

async function commitVersion(
  version: string,
  changelog = `## ${version}\n\n- Things.\n`
): Promise<void> {
  await fs.writeFile(path.join(repo, 'package.json'), JSON.stringify({ version }))
  await fs.writeFile(path.join(repo, 'CHANGELOG.md'), `# Changelog\n\n${changelog}`)
  git('add', '-A')
  git('commit', '-q', '-m', `Release ${version}`)
}

/** The commit a tag points to. */
const tagged = (tag: string): string => git('rev-list', '-n', '1', tag)

beforeEach(async () => {
  origin = await tempDir('pyclean-origin-')
  repo = await tempDir('pyclean-release-')
  spawnSync('git', ['init', '-q', '--bare', origin])
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'test@example.com')
  git('config', 'user.name', 'Test')
  git('remote', 'add', 'origin', origin)
})

afterEach(async () => {
  await removeTree(repo)
  await removeTree(origin)
})

describe('scripts/release.mjs', () => {
  it('tags vX.Y.Z and moves vX to it, release after release', async () => {
    await commitVersion('1.0.0')
    expect(release('1.0.0')).toMatchObject({ status: 0 })
    const first = git('rev-parse', 'HEAD')
    expect([tagged('v1.0.0'), tagged('v1')]).toEqual([first, first])

    await commitVersion('1.1.0', '## 1.1.0\n\n- More.\n\n## 1.0.0\n')
    expect(release('1.1.0')).toMatchObject({ status: 0 })
    const second = git('rev-parse', 'HEAD')
    expect([tagged('v1.0.0'), tagged('v1.1.0'), tagged('v1')]).toEqual([first, second, second])
    // Annotated tags, as the Marketplace release expects.
    expect(git('cat-file', '-t', 'v1.1.0')).toBe('tag')
  })

  it('pushes both tags with --push, moving the major tag on the remote', async () => {
    await commitVersion('2.0.0')
    expect(release('2.0.0', '--push')).toMatchObject({ status: 0 })
    await commitVersion('2.0.1')
    expect(release('2.0.1', '--push')).toMatchObject({ status: 0 })
    const remote = spawnSync('git', ['ls-remote', '--tags', origin], { encoding: 'utf8' }).stdout
    const head = git('rev-parse', 'HEAD')
    const peeled = (tag: string): string | undefined =>
      new RegExp(`^([0-9a-f]+)\\s+refs/tags/${tag}\\^\\{\\}$`, 'm').exec(remote)?.[1]
    expect([peeled('v2'), peeled('v2.0.1')]).toEqual([head, head])
    expect(peeled('v2.0.0')).not.toBe(head)
  })

  it.each([
    ['no version', [], 'expected a version X.Y.Z'],
    ['a version with a v', ['v1.0.0'], 'expected a version X.Y.Z'],
    ['a two-part version', ['1.0'], 'expected a version X.Y.Z']
  ])('refuses %s', async (_what, args, message) => {
    await commitVersion('1.0.0')
    const r = release(...args)
    expect(r.status).toBe(1)
    expect(r.out).toContain(message)
    expect(git('tag', '--list')).toBe('')
  })

  it('refuses a dirty tree, a version package.json or CHANGELOG.md does not have, an existing tag', async () => {
    await commitVersion('1.0.0', '## Unreleased\n')
    expect(release('1.0.0').out).toContain("CHANGELOG.md has no '## 1.0.0' section")
    expect(release('1.0.1').out).toContain('package.json has version 1.0.0, not 1.0.1')

    await commitVersion('1.0.0')
    await fs.writeFile(path.join(repo, 'dist.js'), 'uncommitted')
    expect(release('1.0.0').out).toContain('the working tree has changes')
    await fs.rm(path.join(repo, 'dist.js'))

    expect(release('1.0.0').status).toBe(0)
    const again = release('1.0.0')
    expect(again.status).toBe(1)
    expect(again.out).toContain('tag v1.0.0 exists already')
  })

  it('with --dry-run checks, prints what it would tag and push, and changes nothing', async () => {
    await commitVersion('1.0.0')
    const head = git('rev-parse', 'HEAD')
    const r = release('1.0.0', '--dry-run')
    expect(r).toMatchObject({ status: 0 })
    expect(r.out).toContain(`would tag ${head.slice(0, 12)} as v1.0.0 and create v1 there`)
    expect(r.out).toContain('git push --force origin v1')
    expect(git('tag', '--list')).toBe('')
    expect(spawnSync('git', ['ls-remote', '--tags', origin], { encoding: 'utf8' }).stdout).toBe('')

    // After a release, a dry run of the next one says the major tag moves, and still tags nothing.
    expect(release('1.0.0').status).toBe(0)
    await commitVersion('1.0.1')
    expect(release('1.0.1', '--dry-run').out).toContain('as v1.0.1 and move v1 there')
    expect(git('tag', '--list').split('\n')).toEqual(['v1', 'v1.0.0'])
    // Its checks are the real run's.
    expect(release('1.0.2', '--dry-run')).toMatchObject({ status: 1 })
    expect(release('1.0.1', '--dry-run', '--push').out).toContain('exclude each other')
    expect(release('1.0.1', '--dryrun').out).toContain('unknown option --dryrun')
  })

  it('refuses a CHANGELOG.md whose Unreleased section has entries, dry run or not', async () => {
    await commitVersion('1.1.0', '## Unreleased\n\n### Fixed\n\n- A bug.\n\n## 1.1.0\n\n- More.\n')
    for (const args of [['1.1.0'], ['1.1.0', '--dry-run']]) {
      const r = release(...args)
      expect(r.status).toBe(1)
      expect(r.out).toContain("'Unreleased' section with 1 entry (first: 'A bug.')")
    }
    expect(git('tag', '--list')).toBe('')
    // An empty Unreleased heading (ready for the next changes) is fine.
    await commitVersion('1.1.0', '## Unreleased\n\n## 1.1.0\n\n- More.\n')
    expect(release('1.1.0').status).toBe(0)
  })
})
