#!/usr/bin/env node
// Runs the committed bundle (dist/index.js) on a directory the way a runner would: INPUT_*
// variables with action.yml's defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. Needs no
// `npm install`, so it works on a fresh clone.
//
//   node scripts/local.mjs [DIR] [--real] [--input name=value ...]
//
// DIR defaults to the current directory. Without --real it is a dry run: nothing is deleted.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
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

function main(argv) {
  const inputs = actionDefaults(readFileSync(join(top, 'action.yml'), 'utf8'))
  let dir = '.'
  let real = false
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--real') real = true
    else if (argv[i] === '--input') {
      const [name, ...rest] = (argv[++i] ?? '').split('=')
      inputs[name] = rest.join('=')
    } else dir = argv[i]
  }
  if (!real) inputs['dry-run'] = 'true'
  const workspace = resolve(dir)
  inputs.path = inputs.path ?? '.'

  const temp = mkdtempSync(join(tmpdir(), 'pyclean-local-'))
  const outputFile = join(temp, 'output')
  const summaryFile = join(temp, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_'))
  )
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  // RUNNER_TEMP outlives the run (the `report` output names a file in it); one directory, reused.
  const runnerTemp = join(tmpdir(), 'pyclean-local-reports')
  mkdirSync(runnerTemp, { recursive: true })
  Object.assign(env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp
  })
  const child = spawnSync(process.execPath, [join(top, 'dist', 'index.js')], {
    cwd: workspace,
    env,
    stdio: 'inherit'
  })
  console.log('\n--- outputs ---')
  console.log(
    readFileSync(outputFile, 'utf8').replace(/^(.+)<<(ghadelimiter_[\w-]+)\n(.*)\n\2$/gm, '$1=$3')
  )
  console.log('--- job summary ---')
  console.log(readFileSync(summaryFile, 'utf8'))
  rmSync(temp, { recursive: true, force: true })
  return child.status ?? 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
