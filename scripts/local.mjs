#!/usr/bin/env node
// Runs the committed bundle (dist/index.js) on a directory the way a runner would: INPUT_*
// variables with action.yml's defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. Needs no
// `npm install`, so it works on a fresh clone.
//
//   node scripts/local.mjs [DIR] [--real] [--input name=value ...]
//
// DIR defaults to the current directory. Without --real it is a dry run: nothing is deleted
// (`--input dry-run=false` does not change that). An input action.yml does not declare is
// ignored with a warning. `::debug::` lines are hidden unless RUNNER_DEBUG=1, as on a runner.
// Each run gets its own temporary directory; the report file the run names stays there.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const top = resolve(here, '..')

/**
 * The `default` of each input in action.yml. A deliberately small reader for the shape that file
 * has (plain, quoted and `|` block scalars), so this script needs no packages; a test checks it
 * against a real YAML parser.
 */
export function actionDefaults(text) {
  const defaults = {}
  const lines = text.split(/\r?\n/)
  let inInputs = false
  let input
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\S/.test(line)) {
      inInputs = line.startsWith('inputs:')
      continue
    }
    if (!inInputs) continue
    const name = /^ {2}([\w-]+):\s*$/.exec(line)
    if (name) {
      input = name[1]
      continue
    }
    const def = /^ {4}default:\s*(.*)$/.exec(line)
    if (!def || input === undefined) continue
    const value = def[1].trim()
    if (value === '|' || value === '|-') {
      const block = []
      while (i + 1 < lines.length && (/^ {6}/.test(lines[i + 1]) || lines[i + 1].trim() === '')) {
        block.push(lines[++i].slice(6))
      }
      while (block.length && block[block.length - 1] === '') block.pop()
      defaults[input] = block.join('\n') + (value === '|' ? '\n' : '')
    } else if (/^'.*'$/.test(value)) {
      defaults[input] = value.slice(1, -1).replace(/''/g, "'")
    } else if (/^".*"$/.test(value)) {
      defaults[input] = JSON.parse(value)
    } else {
      defaults[input] = value
    }
  }
  return defaults
}

/**
 * Reads the command line over action.yml's defaults. Returns the inputs, the directory, and the
 * warnings to print: an input name action.yml does not declare is ignored (as the runner warns
 * of it), and `dry-run=false` without `--real` is overruled, since only `--real` deletes.
 */
export function parseArgs(argv, defaults) {
  const inputs = { ...defaults }
  const warnings = []
  let dir = '.'
  let real = false
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--real') real = true
    else if (argv[i] === '--input') {
      const given = argv[++i] ?? ''
      if (!given.includes('=')) {
        warnings.push(`'--input ${given}': expected name=value (for example mode=stale); ignored.`)
        continue
      }
      const [name, ...rest] = given.split('=')
      if (!(name in defaults)) {
        warnings.push(
          `'--input ${given}': action.yml has no input '${name}'; ignored. ` +
            `Inputs: ${Object.keys(defaults).join(', ')}.`
        )
        continue
      }
      inputs[name] = rest.join('=')
    } else dir = argv[i]
  }
  if (!real) {
    const given = argv.some((a, i) => argv[i - 1] === '--input' && a.startsWith('dry-run='))
    if (given && inputs['dry-run'].trim() !== 'true') {
      warnings.push(
        `'--input dry-run=${inputs['dry-run']}' is overruled: without --real this is a dry ` +
          'run; add --real to delete.'
      )
    }
    inputs['dry-run'] = 'true'
  }
  return { inputs, dir, real, warnings }
}

/**
 * Prints the child's stdout line by line as a runner's log would: `::debug::` lines only when
 * RUNNER_DEBUG is 1 (the runner's "debug logging"). Resolves with the exit status.
 */
function runLogged(command, args, options, debug) {
  return new Promise(resolvePromise => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity })
    lines.on('line', line => {
      if (debug || !line.startsWith('::debug::')) process.stdout.write(`${line}\n`)
    })
    child.on('close', status => resolvePromise(status ?? 1))
    child.on('error', error => {
      console.error(`local.mjs: could not start node: ${error.message}`)
      resolvePromise(1)
    })
  })
}

async function main(argv) {
  const defaults = actionDefaults(readFileSync(join(top, 'action.yml'), 'utf8'))
  const { inputs, dir, warnings } = parseArgs(argv, defaults)
  for (const warning of warnings) console.error(`local.mjs: warning: ${warning}`)
  const workspace = resolve(dir)

  // One directory per run, so two users (or two runs) never share a file. It is kept: the
  // `report` output names a file in its runner-temp/.
  const temp = mkdtempSync(join(tmpdir(), 'pyclean-local-'))
  const outputFile = join(temp, 'output')
  const summaryFile = join(temp, 'summary.md')
  const runnerTemp = join(temp, 'runner-temp')
  mkdirSync(runnerTemp)
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_'))
  )
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  Object.assign(env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp
  })
  const status = await runLogged(
    process.execPath,
    [join(top, 'dist', 'index.js')],
    { cwd: workspace, env },
    process.env.RUNNER_DEBUG === '1'
  )
  console.log('\n--- outputs ---')
  console.log(
    readFileSync(outputFile, 'utf8').replace(/^(.+)<<(ghadelimiter_[\w-]+)\n(.*)\n\2$/gm, '$1=$3')
  )
  console.log('--- job summary ---')
  console.log(readFileSync(summaryFile, 'utf8'))
  rmSync(outputFile)
  rmSync(summaryFile)
  return status
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
