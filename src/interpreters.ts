import * as exec from '@actions/exec'
import * as io from '@actions/io'
import * as path from 'node:path'
import { Inputs } from './constants.js'
import { getErrorMessage, InputError } from './errors.js'

/** An interpreter the `python` input names, as it describes itself. */
export interface Interpreter {
  /** The line of the input, as written. */
  readonly line: string
  /** `sys.implementation.cache_tag`: `cpython-312`. */
  readonly tag: string
  /** `importlib.util.MAGIC_NUMBER`, 8 hex digits (the first 4 bytes of its `.pyc` files). */
  readonly magic: string
  /** `sys.version_info[:3]`, for the log. */
  readonly version: string
}

/**
 * Prints the cache tag, the magic number and the version; `-` for no tag (Python 2, or an
 * implementation that writes no cache). Python 2 and 3 alike can run it.
 */
const DESCRIBE = [
  'import sys',
  "tag = getattr(getattr(sys, 'implementation', None), 'cache_tag', None)",
  "magic = '-'",
  'if tag is not None:',
  '    import binascii, importlib.util',
  "    magic = binascii.hexlify(importlib.util.MAGIC_NUMBER).decode('ascii')",
  "sys.stdout.write('%s %s %d.%d.%d\\n' % ((tag or '-', magic) + tuple(sys.version_info[:3])))"
].join('\n')

/** What running one line gave: the interpreter, or why it cannot be used (a sentence's end). */
export type Described = { readonly interpreter: Interpreter } | { readonly problem: string }

/**
 * Runs `line` (a command on PATH or a path, no arguments) once, isolated from the environment's
 * PYTHON* variables and without `site` (`-E -S`), and reads what it says of itself.
 */
export async function describeInterpreter(line: string, cwd: string): Promise<Described> {
  // A relative path (`.venv/bin/python`) is the workspace's; a bare name is looked up on PATH.
  const program = /[\\/]/.test(line) ? path.resolve(cwd, line) : line
  const found = await io.which(program, false)
  if (found === '') return { problem: 'is not found (not on PATH, or no such file)' }
  let run: exec.ExecOutput
  try {
    // Quoted: exec reads its first argument as a command line, which a space would split.
    run = await exec.getExecOutput(`"${found}"`, ['-E', '-S', '-c', DESCRIBE], {
      silent: true,
      ignoreReturnCode: true
    })
  } catch (error) {
    return { problem: `cannot be run: ${getErrorMessage(error)}` }
  }
  if (run.exitCode !== 0) {
    const said = run.stderr.trim().split(/\r?\n/).pop() ?? ''
    return { problem: `exited with code ${run.exitCode}${said === '' ? '' : `: ${said}`}` }
  }
  const m = /^(\S+) (\S+) (\d+\.\d+\.\d+)$/.exec(run.stdout.trim().split(/\r?\n/).pop() ?? '')
  if (m === null) return { problem: `did not describe itself (printed '${run.stdout.trim()}')` }
  const [, tag, magic, version] = m
  if (tag === '-' || !/^[0-9a-f]{8}$/.test(magic)) {
    return {
      problem:
        `is Python ${version}, which has no bytecode cache tag: mode 'stale' judges ` +
        `the bytecode of Python 3 interpreters only`
    }
  }
  return { interpreter: { line, tag, magic, version } }
}

/**
 * Every `python` line described, in order. Throws `InputError` naming the first line that
 * cannot be used, and why, before anything is touched.
 */
export async function readInterpreters(
  lines: readonly string[],
  workspace: string
): Promise<Interpreter[]> {
  const interpreters: Interpreter[] = []
  for (const line of lines) {
    const described = await describeInterpreter(line, workspace)
    if ('problem' in described) {
      throw new InputError(
        `Input '${Inputs.Python}' has the line '${line}', which ${described.problem}; ` +
          `expected a Python 3 interpreter: a command on PATH or a path, one per line.`
      )
    }
    interpreters.push(described.interpreter)
  }
  return interpreters
}
