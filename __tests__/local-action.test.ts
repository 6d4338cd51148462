// The README's instructions for GitHub's local-action tool work: `.env.example` sets every input,
// and `local-action run . src/main.ts .env` runs the sources on a tree (a dry run, as shipped).
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { promises as fs, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { action } from '../__fixtures__/action.js'
import { listTree, makeTree, removeTree, tempDir, toolEnv } from '../__fixtures__/tree.js'

const top = path.resolve(import.meta.dirname, '..')
const example = readFileSync(path.join(top, '.env.example'), 'utf8')
const bin = path.join(top, 'node_modules', '.bin', 'local-action')

let work: string

beforeEach(async () => {
  work = await tempDir('pyclean-local-action-')
})

afterEach(async () => {
  await removeTree(work)
})

describe('.env.example', () => {
  it('sets every input of action.yml, and nothing that is not an input', () => {
    const names = [...example.matchAll(/^INPUT_([A-Z-]+)=/gm)].map(m => m[1].toLowerCase())
    expect(names.sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it('is a dry run, so trying it deletes nothing', () => {
    expect(example).toMatch(/^INPUT_DRY-RUN=true$/m)
  })
})

describe('npx @github/local-action run . src/main.ts .env', () => {
  it('runs the action from its sources with the .env.example inputs', async () => {
    const workspace = path.join(work, 'ws')
    await makeTree(workspace, {
      'pkg/m.py': 'x = 1\n',
      'pkg/__pycache__/m.cpython-312.pyc': 'x'.repeat(12),
      'pkg/legacy.pyc': 'x'.repeat(5),
      'pkg/legacy.py': ''
    })
    const before = await listTree(workspace)
    const runnerTemp = path.join(work, 'temp')
    await fs.mkdir(runnerTemp)
    const dotenv = path.join(work, '.env')
    await fs.writeFile(
      dotenv,
      `${example}\nGITHUB_WORKSPACE=${workspace}\nRUNNER_TEMP=${runnerTemp}\n`
    )

    const result = spawnSync(bin, ['run', '.', 'src/main.ts', dotenv], {
      cwd: top,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...toolEnv(), NODE_OPTIONS: '', NO_COLOR: '1' }
    })

    const log = `${result.stdout}\n${result.stderr}`
    expect({ status: result.status, error: result.error }).toEqual({ status: 0, error: undefined })
    // Its outputs table, as local-action prints it.
    expect(log).toMatch(/'files-removed'\s*│\s*'2'/)
    expect(log).toMatch(/'dirs-removed'\s*│\s*'1'/)
    expect(log).toMatch(/'bytes-freed'\s*│\s*'17'/)
    expect(log).toContain('Dry run: nothing will be deleted.')
    expect(await listTree(workspace)).toEqual(before)
    expect(
      (await fs.readdir(runnerTemp)).filter(n => n.startsWith('pyclean-report-'))
    ).toHaveLength(1)
  }, 150_000)
})
