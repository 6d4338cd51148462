/**
 * Issue 13: the `python` input and PYTHONPYCACHEPREFIX, on bytecode written by real
 * interpreters. What an interpreter says of itself is checked against the files it writes (their
 * names and first four bytes), not against what the same code prints.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, promises as fs, readFileSync, realpathSync } from 'node:fs'
import * as path from 'node:path'
import { pyenvPythons, writingEnv } from '../__fixtures__/pythons.js'
import { runAction } from '../__fixtures__/runner.js'
import { listTree, tempTrees } from '../__fixtures__/tree.js'
import { InputError } from '../src/errors.js'
import { describeInterpreter, readInterpreters } from '../src/interpreters.js'

const trees = tempTrees()
afterEach(() => trees.removeAll())

const py3 = pyenvPythons([3, 8])
const py2 = pyenvPythons().find(p => p.includes('/2.7.'))
const describeTwo = py3.length >= 2 ? describe : describe.skip
if (py3.length < 2) console.log('python-input.test.ts: fewer than two pyenv CPython 3.8+; skipped.')

/** Compiles `dir` with `python` (`compileall`), with PYTHONPYCACHEPREFIX when given. */
function compileAll(python: string, dir: string, prefix?: string): void {
  execFileSync(python, ['-m', 'compileall', '-q', dir], {
    env: writingEnv(prefix === undefined ? {} : { PYTHONPYCACHEPREFIX: prefix })
  })
}

/** The one file `python` wrote for `m.py` in `dir`'s __pycache__. */
async function written(dir: string): Promise<string> {
  const names = await fs.readdir(path.join(dir, '__pycache__'))
  expect(names).toHaveLength(1)
  return path.join(dir, '__pycache__', names[0])
}

describeTwo('describeInterpreter (each `python` line run once)', () => {
  it.each(py3.map(p => [p]))('says the tag and magic number %s writes', async python => {
    const dir = await trees.tree({ 'm.py': 'x = 1\n' })
    compileAll(python, dir)
    const pyc = await written(dir)
    const described = await describeInterpreter(python, '/')
    if (!('interpreter' in described)) throw new Error(described.problem)
    expect(path.basename(pyc)).toBe(`m.${described.interpreter.tag}.pyc`)
    expect(readFileSync(pyc).subarray(0, 4).toString('hex')).toBe(described.interpreter.magic)
  })

  it('runs a path with a space, and a relative path from the workspace', async () => {
    const dir = await trees.tree({})
    await fs.mkdir(path.join(dir, 'a dir', 'bin'), { recursive: true })
    await fs.symlink(py3[0], path.join(dir, 'a dir', 'bin', 'py 3'))
    for (const [line, cwd] of [
      [path.join(dir, 'a dir', 'bin', 'py 3'), '/'],
      ['a dir/bin/py 3', dir]
    ]) {
      const described = await describeInterpreter(line, cwd)
      expect('interpreter' in described ? described.interpreter.line : described.problem).toBe(line)
    }
  })

  it('says why a line cannot be used: not found, a failing program', async () => {
    const dir = await trees.tree({ 'fails.sh': '#!/bin/sh\necho "no such module" >&2\nexit 3\n' })
    const fails = path.join(dir, 'fails.sh')
    await fs.chmod(fails, 0o755)
    expect(await describeInterpreter(path.join(dir, 'absent'), '/')).toEqual({
      problem: 'is not found (not on PATH, or no such file)'
    })
    expect(await describeInterpreter(fails, '/')).toEqual({
      problem: 'exited with code 3: no such module'
    })
  })

  it('readInterpreters names the input and the first line that cannot be used', async () => {
    await expect(readInterpreters([py3[0], 'no-such-python-here'], '/')).rejects.toThrow(
      new InputError(
        "Input 'python' has the line 'no-such-python-here', which is not found (not on PATH, " +
          'or no such file); expected a Python 3 interpreter: a command on PATH or a path, one ' +
          'per line.'
      )
    )
  })
})

const describePython2 = py2 === undefined ? describe.skip : describe

describePython2('describeInterpreter on Python 2', () => {
  it('refuses it, as it has no cache tag', async () => {
    expect(await describeInterpreter(py2!, '/')).toEqual({
      problem: expect.stringMatching(/^is Python 2\.7\.\d+, which has no bytecode cache tag/)
    })
  })
})

describeTwo("the 'python' input, run as the runner runs the action", () => {
  it('removes the other interpreter’s files and a wrong magic number, keeps its own', async () => {
    const [other, own] = py3.slice(-2)
    const root = realpathSync(await trees.tree({ 'pkg/a.py': 'a = 1\n', 'pkg/b.py': 'b = 2\n' }))
    compileAll(other, root)
    compileAll(own, root)
    const cache = path.join(root, 'pkg', '__pycache__')
    const described = await describeInterpreter(own, '/')
    if (!('interpreter' in described)) throw new Error(described.problem)
    const { tag, magic } = described.interpreter
    // b's file gets the magic number one below: a pre-release's, under the right tag.
    const b = path.join(cache, `b.${tag}.pyc`)
    const data = readFileSync(b)
    data.writeUInt16LE(data.readUInt16LE(0) - 1, 0)
    await fs.writeFile(b, data)
    // The interpreter itself rejects it.
    const rejects = execFileSync(own, [
      '-c',
      'import importlib._bootstrap_external as b, sys\n' +
        'try: b._classify_pyc(open(sys.argv[1], "rb").read(), "b", {})\n' +
        'except ImportError as e: print(e)',
      b
    ]).toString()
    expect(rejects).toMatch(/bad magic number/)

    const run = await runAction(root, { inputs: { mode: 'stale', python: own } })

    expect(run.status).toBe(0)
    expect(run.log).toContain(`Judging for ${own}: Python `)
    expect(run.log).toContain(`cache tag ${tag}, magic number ${magic}.`)
    expect(await fs.readdir(cache)).toEqual([`a.${tag}.pyc`])
    expect(run.log).toMatch(/Judged stale: 2 other interpreter, 1 bad magic\./)
    const report = run.report as { stale: { path: string; reason: string }[] }
    expect(report.stale).toContainEqual({ path: b, reason: 'bad magic' })
  })

  it('fails the step before anything is touched when a line cannot be run', async () => {
    const root = await trees.tree({ 'm.py': 'x = 1\n' })
    compileAll(py3[0], root)
    const before = await listTree(root)
    for (const when of ['now', 'post']) {
      const run = await runAction(root, {
        inputs: { mode: 'stale', when, python: `${py3[0]}\n# a comment\nno-such-python` }
      })
      expect(run.status).toBe(1)
      expect(run.commands).toContainEqual(
        expect.stringMatching(/^::error::Input 'python' has the line 'no-such-python', which is/)
      )
      expect(run.state.inputs).toBeUndefined()
      expect(await listTree(root)).toEqual(before)
    }
  })

  it("changes nothing in 'mode: all', and is not run there", async () => {
    const root = await trees.tree({ 'm.py': 'x = 1\n' })
    compileAll(py3[0], root)
    const run = await runAction(root, { inputs: { mode: 'all', python: 'no-such-python' } })
    expect(run.status).toBe(0)
    expect(run.log).toContain("Input 'python' changes nothing in 'mode: all': all bytecode goes.")
    expect(run.numbers['files-removed']).toBe('1')
  })
})

describeTwo('PYTHONPYCACHEPREFIX trees', () => {
  /** A copy of a real package of the interpreter's standard library (json), as sources. */
  async function realPackage(python: string, root: string): Promise<string> {
    const stdlib = execFileSync(python, [
      '-c',
      'import json, os; print(os.path.dirname(json.__file__))'
    ])
      .toString()
      .trim()
    const src = path.join(root, 'src', 'json')
    await fs.cp(stdlib, src, {
      recursive: true,
      filter: p => !p.includes('__pycache__')
    })
    return src
  }

  it('keeps the current files of a prefix tree, judges each against its mirrored source', async () => {
    const python = py3[py3.length - 1]
    const root = realpathSync(await trees.tree({}))
    const prefix = path.join(root, 'pyc')
    const src = await realPackage(python, root)
    compileAll(python, src, prefix)
    const mirrored = path.join(prefix, src.slice(1))
    const files = (await listTree(prefix)).filter(f => f.endsWith('.pyc'))
    expect(files.length).toBeGreaterThan(3)
    // Where the interpreter itself says the bytecode of decoder.py is.
    const expected = execFileSync(
      python,
      [
        '-c',
        'import importlib.util, sys; print(importlib.util.cache_from_source(sys.argv[1]))',
        path.join(src, 'decoder.py')
      ],
      { env: writingEnv({ PYTHONPYCACHEPREFIX: prefix }) }
    )
      .toString()
      .trim()
    expect(existsSync(expected)).toBe(true)
    expect(path.dirname(expected)).toBe(mirrored)

    const kept = await runAction(root, {
      inputs: { mode: 'stale', python },
      env: { PYTHONPYCACHEPREFIX: prefix }
    })
    expect(kept.status).toBe(0)
    expect(kept.numbers['files-removed']).toBe('0')
    expect(kept.log).toContain(`PYTHONPYCACHEPREFIX is ${prefix}: bytecode below it is judged`)

    // A write into the prefix tree that was interrupted (importlib's _write_atomic leaves these):
    // it stays, as in mode all, which knows no prefix; stale removes no more than all.
    const decoder = files.find(f => path.basename(f).startsWith('decoder.'))!
    await fs.copyFile(path.join(prefix, decoder), path.join(prefix, `${decoder}.4242`))
    await fs.appendFile(path.join(src, 'decoder.py'), '# edited\n')
    await fs.rm(path.join(src, 'scanner.py'))
    const judged = await runAction(root, {
      inputs: { mode: 'stale', python },
      env: { PYTHONPYCACHEPREFIX: prefix }
    })
    const report = judged.report as { stale: { path: string; reason: string }[] }
    expect(report.stale.map(s => [path.basename(s.path).split('.')[0], s.reason]).sort()).toEqual([
      ['decoder', 'source changed'],
      ['scanner', 'source gone']
    ])
    expect(judged.numbers['files-removed']).toBe('2')
    expect(existsSync(path.join(prefix, `${decoder}.4242`))).toBe(true)
  })

  it('without the variable, every tagged name outside __pycache__ is an orphan', async () => {
    const python = py3[0]
    const root = realpathSync(await trees.tree({}))
    const prefix = path.join(root, 'pyc')
    compileAll(python, await realPackage(python, root), prefix)
    const files = (await listTree(prefix)).filter(f => f.endsWith('.pyc'))
    const run = await runAction(root, {
      inputs: { mode: 'stale' },
      env: { PYTHONPYCACHEPREFIX: '' }
    })
    expect(run.numbers['files-removed']).toBe(String(files.length))
    expect(run.log).toContain(`Judged stale: ${files.length} orphan.`)
  })
})
