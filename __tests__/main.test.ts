import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { promises as fs, readdirSync } from 'node:fs'
import * as path from 'node:path'
import { action, actionDefaults } from '../__fixtures__/action.js'
import * as core from '../__fixtures__/core.js'
import {
  blocksOf,
  diskFrom,
  expectedFrom,
  without,
  type Expected
} from '../__fixtures__/expected.js'
import { listTree, makeTree, removeTree, tempDir, type TreeSpec } from '../__fixtures__/tree.js'

let tree = ''
jest.unstable_mockModule('@actions/core', () => core)

const { run, runPost } = await import('../src/main.js')
const { formatBytes } = await import('../src/report.js')

// Defaults come from action.yml, so this file never restates them.
const defaults = actionDefaults
const booleanInputs = Object.keys(defaults).filter(n => ['true', 'false'].includes(defaults[n]))

let inputs: Record<string, string> = {}

/** The inputs of one run: action.yml's defaults with `overrides` on top. */
function setInputs(overrides: Record<string, string> = {}): void {
  inputs = { ...defaults, ...overrides }
}

// Like the real getInput (trimmed, '' when unset), but a name action.yml does not declare is a
// bug in src, not an empty input.
core.getInput.mockImplementation(name => {
  if (!(name in action.inputs)) throw new Error(`getInput('${name}'): not an input in action.yml`)
  return (inputs[name] ?? '').trim()
})

// ---------------------------------------------------------------------------------------------
// The tree: what must go and what must stay, kept apart so the expected numbers come from it.

const bytecode: TreeSpec = {
  'pkg/__pycache__/__init__.cpython-312.pyc': 'a'.repeat(17),
  'pkg/__pycache__/mod.cpython-312.opt-1.pyc': 'b'.repeat(29),
  'pkg/legacy.pyc': 'c'.repeat(5),
  'pkg/old.pyo': 'd'.repeat(3)
}
const keep: TreeSpec = {
  'pkg/__init__.py': '',
  'pkg/mod.py': 'x = 1\n',
  'pkg/legacy.py': 'y = 2\n',
  'data.pyc.bak': 'not bytecode'
}

let runnerTemp = ''

/** Report files written to RUNNER_TEMP, by step. */
function reportFiles(step = 'main'): string[] {
  return readdirSync(runnerTemp)
    .filter(name => name.startsWith(`pyclean-report-${step}-`))
    .map(name => path.join(runnerTemp, name))
}

/** The one report file of the run. */
function theReport(step = 'main'): string {
  const files = reportFiles(step)
  expect(files).toHaveLength(1)
  return files[0]
}

/** The tree's allocated blocks per file, measured before each run (see `measure`). */
let blocks = new Map<string, number>()

/** Reads the tree's blocks, after building it and before running: what disk-freed counts. */
async function measure(): Promise<void> {
  blocks = await blocksOf(tree)
}

function outputsOf(e: Expected, errors = 0): Record<string, string> {
  return {
    'files-removed': String(e.files),
    'dirs-removed': String(e.dirs),
    'bytes-freed': String(e.bytes),
    'disk-freed': String(diskFrom(e, blocks)),
    'tracked-files': '0',
    errors: String(errors),
    report: theReport()
  }
}

/** The outputs set during the run, by name (a name set twice would show as a mismatch). */
function outputsSet(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of core.setOutput.mock.calls) {
    expect(out).not.toHaveProperty(name)
    out[name] = String(value)
  }
  return out
}

const infoLines = (): string[] => core.info.mock.calls.map(([line]) => line)
const warningLines = (): string[] => core.warning.mock.calls.map(([w]) => String(w))
const failedMessages = (): string[] => core.setFailed.mock.calls.map(([m]) => String(m))
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

// ---------------------------------------------------------------------------------------------

let before: string[]
const expected = expectedFrom(bytecode, keep)
const savedEnv = { ...process.env }

beforeEach(async () => {
  tree = await tempDir()
  await makeTree(tree, { ...bytecode, ...keep })
  before = await listTree(tree)
  await measure()
  setInputs()
  process.env.GITHUB_WORKSPACE = tree
  delete process.env.GITHUB_STEP_SUMMARY
  runnerTemp = await tempDir()
  process.env.RUNNER_TEMP = runnerTemp
  core.state.saved = {}
})

afterEach(async () => {
  await removeTree(tree)
  await removeTree(runnerTemp)
  tree = ''
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
  Object.assign(process.env, savedEnv)
  // The real setFailed would have set this and failed jest after "all passed".
  if (process.exitCode)
    throw new Error(`process.exitCode is ${process.exitCode}: real setFailed ran`)
})

describe('run', () => {
  it('cleans the tree and sets every output with the numbers of what it removed', async () => {
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
    expect(Object.keys(outputsSet()).sort()).toEqual(Object.keys(action.outputs).sort())
    expect(outputsSet()).toEqual(outputsOf(expected))
    expect(await listTree(tree)).toEqual(without(before, bytecode, expected))
    // One root: its own line says it all, no second "Total" line with the same numbers.
    expect(infoLines().filter(l => /^Removed \d/.test(l))).toHaveLength(1)
    expect(infoLines().some(l => l.startsWith('Total:'))).toBe(false)
    // The survivors really survive (the comparison above would also pass on a missing tree).
    for (const rel of Object.keys(keep)) {
      await expect(fs.lstat(path.join(tree, rel))).resolves.toBeDefined()
    }
  })

  it('in a dry run sets the same outputs and deletes nothing', async () => {
    setInputs({ 'dry-run': 'true' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    expect(outputsSet()).toEqual(outputsOf(expected))
    expect(await listTree(tree)).toEqual(before)
    expect(infoLines()).toContain('Dry run: nothing will be deleted.')
    expect(infoLines().some(l => l.startsWith('Would remove '))).toBe(true)
    expect(infoLines().some(l => l.startsWith('Removed '))).toBe(false)
  })

  it.each(booleanInputs)("fails on '%s: yes', naming the input and the value", async name => {
    setInputs({ [name]: 'yes' })
    await run()

    expect(core.setFailed).toHaveBeenCalledTimes(1)
    const [message] = failedMessages()
    expect(message).toContain(`'${name}'`)
    expect(message).toContain("'yes'")
    expect(message).toContain('true, false')
    expect(core.setOutput).not.toHaveBeenCalled()
    expect(core.summary.write).not.toHaveBeenCalled()
    expect(await listTree(tree)).toEqual(before)
  })

  it.each([
    ['empty', ''],
    ['blank lines', '  \n\n'],
    ['only a comment', '# nothing here'],
    ['only a negation', '!pkg']
  ])("fails when 'path' names no directory (%s)", async (_what, value) => {
    setInputs({ path: value })
    await run()

    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(failedMessages()[0]).toContain("'path'")
    expect(core.setOutput).not.toHaveBeenCalled()
    expect(await listTree(tree)).toEqual(before)
  })

  it("refuses a root at '/', naming 'path', before cleaning any other root", async () => {
    // '.' comes first and would be cleaned if roots were cleaned as they were found.
    setInputs({ path: '.\n/' })
    await run()

    expect(core.setFailed).toHaveBeenCalledTimes(1)
    const [message] = failedMessages()
    expect(message).toContain("'path'")
    expect(message).toContain("'/'")
    expect(core.setOutput).not.toHaveBeenCalled()
    expect(await listTree(tree)).toEqual(before)
  })

  it.each([
    ["'~user', which @actions/glob would take literally", '~nobody/project', "'~user'"],
    ["a '..' segment", '../elsewhere', "'..'"],
    ['a symlink to the file system root', 'to-root', "file system root '/'"]
  ])("fails on a 'path' line with %s, naming it, and deletes nothing", async (_what, line, why) => {
    await fs.symlink('/', path.join(tree, 'to-root'))
    before = await listTree(tree)
    setInputs({ path: `.\n${line}` })
    await run()

    expect(core.setFailed).toHaveBeenCalledTimes(1)
    const [message] = failedMessages()
    expect(message).toContain(`Input 'path' has the line '${line}'`)
    expect(message).toContain(why)
    expect(core.setOutput).not.toHaveBeenCalled()
    expect(await listTree(tree)).toEqual(before)
  })

  it('cleans a root given as a symlink at its target, and nothing beside the target', async () => {
    const outside = await tempDir()
    const workspace = tree
    try {
      await makeTree(outside, {
        'target/pkg/__pycache__/m.cpython-312.pyc': 'x'.repeat(40),
        'target/pkg/m.py': 'm = 1\n',
        'sibling/__pycache__/s.cpython-312.pyc': 'must stay'
      })
      await fs.symlink(path.join(outside, 'target'), path.join(tree, 'venv-link'))
      tree = outside // the io guard: this test removes inside `outside`
      const [pyc] = await blocksOf(path.join(outside, 'target')).then(b =>
        [...b].filter(([rel]) => rel.endsWith('.pyc'))
      )
      setInputs({ path: 'venv-link' })
      await run()

      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputsSet()).toEqual({
        'files-removed': '1',
        'dirs-removed': '1',
        'bytes-freed': '40',
        'disk-freed': String(pyc[1]),
        'tracked-files': '0',
        errors: '0',
        report: theReport()
      })
      expect(await listTree(outside)).toEqual([
        'sibling/',
        'sibling/__pycache__/',
        'sibling/__pycache__/s.cpython-312.pyc',
        'target/',
        'target/pkg/',
        'target/pkg/m.py'
      ])
      expect(infoLines()).toContainEqual(
        expect.stringContaining(`from ${path.join(outside, 'target')} in`)
      )
    } finally {
      tree = workspace
      await removeTree(outside)
    }
  })

  it("fails on an 'exclude' pattern that cannot be parsed, before touching anything", async () => {
    setInputs({ exclude: 'node_modules\n[unclosed' })
    await run()

    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(failedMessages()[0]).toContain("'exclude'")
    expect(failedMessages()[0]).toContain("'[unclosed'")
    expect(await listTree(tree)).toEqual(before)
  })

  it('warns about a path line that matches nothing and passes when fail-on-error is false', async () => {
    setInputs({ path: '.\nno-such-dir', 'fail-on-error': 'false' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).toHaveBeenCalledTimes(1)
    expect(warningLines()[0]).toContain("'no-such-dir'")
    expect(outputsSet()).toEqual(outputsOf(expected))
    expect(await listTree(tree)).toEqual(without(before, bytecode, expected))
  })

  it('sets the outputs and then fails once, counting the line, when fail-on-error is true', async () => {
    setInputs({ path: '.\nno-such-dir', 'fail-on-error': 'true' })
    await run()

    expect(outputsSet()).toEqual(outputsOf(expected))
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    const [message] = failedMessages()
    expect(message).toContain("1 'path' line matched no directory")
    expect(message).toContain("'no-such-dir'")
    expect(message).toContain("'fail-on-error'")
    // Outputs come before the failure, so a later step can still read them.
    const lastOutput = Math.max(...core.setOutput.mock.invocationCallOrder)
    expect(lastOutput).toBeLessThan(core.setFailed.mock.invocationCallOrder[0])
    expect(warningLines().some(w => w.includes("'no-such-dir'"))).toBe(true)
    expect(await listTree(tree)).toEqual(without(before, bytecode, expected))
  })

  it('writes no summary when summary is false', async () => {
    process.env.GITHUB_STEP_SUMMARY = path.join(tree, 'summary.md')
    setInputs({ summary: 'false' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.summary.addRaw).not.toHaveBeenCalled()
    expect(core.summary.write).not.toHaveBeenCalled()
  })

  it('writes a summary table with the root and its counts when summary is true', async () => {
    process.env.GITHUB_STEP_SUMMARY = path.join(tree, 'summary.md')
    setInputs({ summary: 'true' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.summary.addRaw).toHaveBeenCalledTimes(1)
    expect(core.summary.write).toHaveBeenCalledTimes(1)
    const [markdown] = core.summary.addRaw.mock.calls[0]
    // All sizes here are below 1 KiB, so they print as plain bytes.
    expect(expected.bytes).toBeLessThan(1024)
    // Small files take whole blocks: the disk column differs from the size.
    const cell = (text: string | number): string => `<td align="right">${text}</td>`
    expect(markdown).toContain(
      `<tr><td><code>${tree}</code></td>${cell(expected.dirs)}${cell(expected.files)}` +
        `${cell(`${expected.bytes} B`)}${cell(formatBytes(diskFrom(expected, blocks)))}${cell(0)}</tr>`
    )
    expect(markdown).not.toContain('Dry run')
  })

  it('says so instead of writing a summary when GITHUB_STEP_SUMMARY is not set', async () => {
    setInputs({ summary: 'true' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.summary.write).not.toHaveBeenCalled()
    expect(infoLines().some(l => l.includes('GITHUB_STEP_SUMMARY is not set'))).toBe(true)
  })

  it('logs one line per root with its own numbers, in a group per root', async () => {
    // Two roots: the whole tree's bytecode is split between `pkg` and `more`.
    const more: TreeSpec = { 'more/__pycache__/only.cpython-312.pyc': 'z' }
    await makeTree(tree, more)
    setInputs({ path: 'pkg\nmore' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    const rootLine = /^Removed \d+ director(y|ies) and \d+ files? \(.*\) from (.+) in \d+\.\d s$/
    const lines = infoLines().filter(l => rootLine.test(l))
    expect(lines).toHaveLength(2)

    const pkgRoot = path.join(tree, 'pkg')
    const moreRoot = path.join(tree, 'more')
    const inPkg = Object.fromEntries(
      Object.entries(bytecode)
        .filter(([rel]) => rel.startsWith('pkg/'))
        .map(([rel, v]) => [rel.slice('pkg/'.length), v])
    )
    const keptInPkg = Object.fromEntries(
      Object.entries(keep)
        .filter(([rel]) => rel.startsWith('pkg/'))
        .map(([rel, v]) => [rel.slice('pkg/'.length), v])
    )
    const lineFor = (e: Expected, root: string): RegExp =>
      new RegExp(
        `^Removed ${e.dirs} director(y|ies) and ${e.files} files? \\(.*\\) from ${escape(root)} in \\d+\\.\\d s$`
      )
    expect(lines[0]).toMatch(lineFor(expectedFrom(inPkg, keptInPkg), pkgRoot))
    expect(lines[1]).toMatch(
      lineFor(expectedFrom({ '__pycache__/only.cpython-312.pyc': 'z' }, {}), moreRoot)
    )
    expect(core.group.mock.calls.map(([name]) => name)).toEqual([
      `Cleaning ${pkgRoot}`,
      `Cleaning ${moreRoot}`
    ])
  })

  describe('virtual environments', () => {
    const venvBytecode: TreeSpec = { '.venv/lib/m/__pycache__/m.cpython-312.pyc': 'v'.repeat(13) }
    const venvKeep: TreeSpec = { '.venv/pyvenv.cfg': 'home = /usr/bin\n', '.venv/lib/m/m.py': '' }

    beforeEach(async () => {
      await makeTree(tree, { ...venvBytecode, ...venvKeep })
      await measure()
    })

    it.each([
      ['false', { ...bytecode }],
      ['true', { ...bytecode, ...venvBytecode }]
    ])('with include-venvs: %s, cleans what it should', async (value, gone) => {
      setInputs({ 'include-venvs': value })
      await run()

      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputsSet()).toEqual(outputsOf(expectedFrom(gone, { ...keep, ...venvKeep })))
    })

    it('always cleans a root that is itself a venv', async () => {
      setInputs({ path: '.venv', 'include-venvs': 'false' })
      blocks = await blocksOf(path.join(tree, '.venv'))
      await run()

      expect(core.setFailed).not.toHaveBeenCalled()
      const inVenv = Object.fromEntries(
        Object.entries(venvBytecode).map(([rel, v]) => [rel.slice('.venv/'.length), v])
      )
      expect(outputsSet()).toEqual(outputsOf(expectedFrom(inVenv, {})))
      await expect(fs.lstat(path.join(tree, '.venv', 'pyvenv.cfg'))).resolves.toBeDefined()
    })
  })

  it("does not enter a directory the 'exclude' input names", async () => {
    setInputs({ exclude: 'pkg' })
    await run()

    expect(core.setFailed).not.toHaveBeenCalled()
    const outside = Object.fromEntries(
      Object.entries(bytecode).filter(([rel]) => !rel.startsWith('pkg/'))
    )
    expect(outputsSet()).toEqual(outputsOf(expectedFrom(outside, keep)))
    expect(await listTree(tree)).toEqual(before)
  })

  it('logs each removed path at debug level when debug is on', async () => {
    core.isDebug.mockReturnValue(true)
    try {
      await run()
    } finally {
      core.isDebug.mockReturnValue(false)
    }
    const debugLines = core.debug.mock.calls.map(([line]) => line)
    for (const rel of Object.keys(bytecode)) {
      expect(debugLines).toContain(`Removed ${path.join(tree, ...rel.split('/'))}`)
    }
  })
})

describe('progress', () => {
  afterEach(() => {
    jest.useRealTimers()
  })

  it('prints a progress line every 5 seconds while a run goes on, and none after it ends', async () => {
    // Only the timers are fake: the file system work is real. Time passes inside the root's
    // group, i.e. while the run is cleaning.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
    const progressLines = (): string[] => infoLines().filter(l => l.startsWith('… '))
    const seen: number[] = []
    core.group.mockImplementationOnce(async (_name, fn) => {
      jest.advanceTimersByTime(4999)
      seen.push(progressLines().length)
      jest.advanceTimersByTime(1)
      seen.push(progressLines().length)
      jest.advanceTimersByTime(5000)
      seen.push(progressLines().length)
      return fn()
    })
    await run()
    jest.advanceTimersByTime(20_000)

    expect(seen).toEqual([0, 1, 2])
    expect(progressLines()).toHaveLength(2)
    expect(progressLines()[0]).toMatch(/^… 5\.0 s: \d+ entries read, \d+ removed \(\d+ B\)$/)
    expect(progressLines()[1]).toMatch(/^… 10\.0 s: /)
    expect(core.setFailed).not.toHaveBeenCalled()
  })
})

describe('prevent', () => {
  it('exports PYTHONDONTWRITEBYTECODE=1 when true, and cleans as usual', async () => {
    setInputs({ prevent: 'true' })
    await run()
    expect(core.exportVariable.mock.calls).toEqual([['PYTHONDONTWRITEBYTECODE', '1']])
    expect(outputsSet()).toEqual(outputsOf(expected))
  })

  it('exports nothing by default', async () => {
    await run()
    expect(core.exportVariable).not.toHaveBeenCalled()
  })
})

describe('when', () => {
  const saved = (): Record<string, string> =>
    Object.fromEntries(core.saveState.mock.calls.map(([k, v]) => [k, String(v)]))
  /** The inputs as getInput reads them (trimmed). */
  const read = (): Record<string, string> =>
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.trim()]))

  /**
   * The end of the job, after run(): the runner hands the post step what the main step saved;
   * `between` plays the job's other steps. Mocks are cleared so what follows is the post step's.
   */
  const endOfJob = async (between?: () => Promise<void>): Promise<void> => {
    core.state.saved = saved()
    jest.clearAllMocks()
    await between?.()
    await runPost()
  }

  const expectPostDidNothing = (): void => {
    expect(core.group).not.toHaveBeenCalled()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
  }

  it('in a post step whose path matches no directory, says so instead of a zero table', async () => {
    process.env.GITHUB_STEP_SUMMARY = path.join(runnerTemp, 'summary.md')
    setInputs({ when: 'post', path: 'build/*/lib' })
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()

    await endOfJob()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(infoLines()).toContain("No 'path' line matched a directory: nothing was cleaned.")
    expect(infoLines().some(l => l.startsWith('Total:'))).toBe(false)
    const [markdown] = core.summary.addRaw.mock.calls[0]
    expect(markdown).toContain('## pyclean (post step)')
    expect(markdown).toContain(
      '<p>No <code>path</code> line matched a directory: nothing was cleaned.</p>'
    )
    expect(markdown).not.toContain('<table>')
    expect(markdown).not.toContain('Total')
  })

  it("'now' cleans now and leaves nothing for the post step", async () => {
    await run()
    expect(saved()).toEqual({ isPost: 'true' })
    expect(outputsSet()).toEqual(outputsOf(expected))

    // The post step then has nothing to do.
    await endOfJob()
    expectPostDidNothing()
  })

  it("'post' cleans nothing now, sets no output, and saves the inputs for the post step", async () => {
    setInputs({ when: 'post', 'dry-run': 'false', exclude: 'nothing-excluded' })
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(await listTree(tree)).toEqual(before)
    expect(core.setOutput).not.toHaveBeenCalled()
    expect(reportFiles()).toEqual([])
    expect(JSON.parse(saved().inputs)).toEqual(read())

    // At the end of the job: the post step cleans with those inputs (none are set any more).
    await endOfJob(async () => {
      inputs = {}
      process.env.GITHUB_STEP_SUMMARY = path.join(runnerTemp, 'summary.md')
      await fs.writeFile(process.env.GITHUB_STEP_SUMMARY, '')
    })
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
    expect(core.getInput).not.toHaveBeenCalled()
    expect(await listTree(tree)).toEqual(without(before, bytecode, expected))
    // Its own summary section and report; no outputs (no later step could read them).
    expect(core.setOutput).not.toHaveBeenCalled()
    expect(String(core.summary.addRaw.mock.calls[0][0])).toMatch(/^## pyclean \(post step\)\n/)
    expect(JSON.parse(await fs.readFile(theReport('post'), 'utf8'))).toMatchObject({
      step: 'post',
      totals: { filesRemoved: expected.files, dirsRemoved: expected.dirs }
    })
  })

  it("'both' cleans now and saves the inputs for the post step", async () => {
    setInputs({ when: 'both' })
    await run()
    expect(outputsSet()).toEqual(outputsOf(expected))
    expect(JSON.parse(saved().inputs)).toEqual(read())
  })

  it('the post step warns, and does not fail, when something goes wrong and fail-on-error is false', async () => {
    setInputs({ when: 'post', path: 'pkg' })
    await run()
    // pkg is gone by the end of the job: its 'path' line matches nothing.
    await endOfJob(() => fs.rm(path.join(tree, 'pkg'), { recursive: true }))
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(warningLines()).toEqual(["Input 'path' has the line 'pkg', which matched no directory."])
  })

  it('the post step fails the job when fail-on-error is true', async () => {
    setInputs({ when: 'post', path: 'pkg', 'fail-on-error': 'true' })
    await run()
    await endOfJob(() => fs.rm(path.join(tree, 'pkg'), { recursive: true }))
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(failedMessages()[0]).toContain("'fail-on-error' is true")
  })

  it.each([
    ['~bob/x', "only '~' and '~/…'"],
    ['/', 'file system root'],
    ['src/../x', 'not a valid pattern']
  ])(
    "'post' still checks the path line %j in the main step, and fails there",
    async (line, why) => {
      setInputs({ when: 'post', path: line })
      await run()
      expect(core.setFailed).toHaveBeenCalledTimes(1)
      expect(failedMessages()[0]).toContain(`Input 'path' has the line '${line}'`)
      expect(failedMessages()[0]).toContain(why)
      // Nothing saved for the post step: it will do nothing.
      expect(saved()).toEqual({ isPost: 'true' })
    }
  )

  it("'post' accepts a path line that matches nothing yet (it may be created later in the job)", async () => {
    setInputs({ when: 'post', path: 'not-yet' })
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
    expect(Object.keys(saved())).toEqual(['isPost', 'inputs'])
  })

  it("'both': after a failed main step the post step does nothing", async () => {
    setInputs({ when: 'both', path: 'pkg\nmissing', 'fail-on-error': 'true' })
    await run()
    expect(core.setFailed).toHaveBeenCalledTimes(1)
    expect(saved()).toEqual({ isPost: 'true' })
    await endOfJob()
    expectPostDidNothing()
  })

  it('the post step only warns when the saved state cannot be read', async () => {
    core.state.saved = { isPost: 'true', inputs: '{not json' }
    await runPost()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).toHaveBeenCalledTimes(1)
  })

  it('saves isPost first, even when the inputs are invalid, so the post step is not a second main step', async () => {
    setInputs({ when: 'later' })
    await run()
    expect(failedMessages()).toEqual(["Input 'when' is 'later'; expected one of: now, post, both."])
    expect(saved()).toEqual({ isPost: 'true' })
  })
})

describe('report', () => {
  it('lists every removed path, the failures and the totals, as the outputs count them', async () => {
    await run()
    const report = JSON.parse(await fs.readFile(theReport(), 'utf8')) as {
      removed: string[]
      failures: unknown[]
      roots: { root: string; filesRemoved: number }[]
      totals: Record<string, number>
    }
    const gone = without(before, bytecode, expected)
    expect(report).toMatchObject({
      version: 1,
      step: 'main',
      dryRun: false,
      mode: 'all',
      debris: []
    })
    expect(
      report.removed.map(p => path.relative(tree, p).split(path.sep).join('/')).sort()
    ).toEqual(
      before
        .filter(e => !gone.includes(e))
        .map(e => e.replace(/\/$/, ''))
        .sort()
    )
    expect(report.failures).toEqual([])
    expect(report.roots).toEqual([
      {
        root: tree,
        filesRemoved: expected.files,
        dirsRemoved: expected.dirs,
        bytesFreed: expected.bytes,
        diskFreed: diskFrom(expected, blocks),
        trackedFiles: 0,
        errors: 0
      }
    ])
    expect(report.totals).toEqual({
      filesRemoved: expected.files,
      dirsRemoved: expected.dirs,
      bytesFreed: expected.bytes,
      diskFreed: diskFrom(expected, blocks),
      trackedFiles: 0,
      errors: 0
    })
  })

  it('lists what was kept and what was skipped below a root, each with its reason', async () => {
    await makeTree(tree, {
      'mixed/__pycache__/m.cpython-312.pyc': 'm',
      'mixed/__pycache__/notes.txt': 'mine',
      'mixed/m.py': '',
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/__pycache__/v.cpython-312.pyc': 'v',
      'node_modules/x/__pycache__/n.cpython-312.pyc': 'n'
    })
    await run()
    const report = JSON.parse(await fs.readFile(theReport(), 'utf8')) as {
      kept: { path: string; reason: string }[]
      skipped: { path: string; reason: string }[]
    }
    expect(report.kept).toEqual([
      {
        path: path.join(tree, 'mixed', '__pycache__'),
        reason: 'holds entries that are not bytecode'
      }
    ])
    expect(report.skipped.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: path.join(tree, '.venv'), reason: "environment ('include-venvs' is false)" },
      { path: path.join(tree, 'node_modules'), reason: "matches 'exclude'" }
    ])
    expect(infoLines()).toContain(
      `Kept ${path.join(tree, 'mixed', '__pycache__')}: holds entries that are not bytecode.`
    )
    expect(infoLines()).toContain(
      `Skipped ${path.join(tree, '.venv')}: environment ('include-venvs' is false).`
    )
  })

  it('in mode: stale gives the reason of each file and counts them per root in the log', async () => {
    setInputs({ mode: 'stale' })
    await run()
    const report = JSON.parse(await fs.readFile(theReport(), 'utf8')) as {
      stale: { path: string; reason: string }[]
    }
    const rel = (p: string): string => path.relative(tree, p).split(path.sep).join('/')
    expect(report.stale.map(s => [rel(s.path), s.reason]).sort()).toEqual([
      ['pkg/__pycache__/__init__.cpython-312.pyc', 'rejected header'],
      ['pkg/__pycache__/mod.cpython-312.opt-1.pyc', 'rejected header'],
      ['pkg/legacy.pyc', 'legacy beside its source'],
      ['pkg/old.pyo', 'legacy beside its source']
    ])
    expect(infoLines()).toContain('Judged stale: 2 legacy beside its source, 2 rejected header.')
  })

  it('in a dry run lists what would be removed', async () => {
    setInputs({ 'dry-run': 'true' })
    await run()
    const report = JSON.parse(await fs.readFile(theReport(), 'utf8')) as {
      removed: string[]
      dryRun: boolean
    }
    expect(report.dryRun).toBe(true)
    expect(report.removed).toHaveLength(expected.files + expected.dirs)
    expect(await listTree(tree)).toEqual(before)
  })
})

describe('the debris hint', () => {
  const hints = (): string[] => infoLines().filter(l => l.startsWith('Hint: '))

  it('names, once per root, the topics not selected whose entries are there, and the value', async () => {
    await makeTree(tree, {
      '.pytest_cache/v/cache/nodeids': '[]',
      // Counted once, its contents not counted: a coverage file inside does not count.
      '.pytest_cache/.coverage': 'x',
      'sub/.pytest_cache/README.md': 'x',
      '.coverage': 'x',
      'htmlcov/index.html': 'x',
      // Excluded: not read, not counted.
      'node_modules/.ruff_cache/x': 'x',
      // A link named like a debris directory is removed as a link: it counts.
      '.ruff_cache': { link: 'pkg' }
    })
    setInputs({ debris: 'mypy' })
    await run()

    expect(hints()).toEqual([
      "Hint: 5 entries of debris topics 'debris' does not select: pytest (2), ruff (1), " +
        "coverage (2). 'debris: pytest mypy ruff coverage' would remove them too (what git " +
        "tracks stays: 'keep-tracked')."
    ])
    // Nothing of theirs was removed.
    await expect(fs.lstat(path.join(tree, '.pytest_cache', 'v'))).resolves.toBeDefined()
    await expect(fs.lstat(path.join(tree, 'htmlcov'))).resolves.toBeDefined()
  })

  it('says nothing when every topic found is selected, or none is there', async () => {
    await makeTree(tree, { '.pytest_cache/x': 'x' })
    setInputs({ debris: 'all' })
    await run()
    expect(hints()).toEqual([])
  })
})
