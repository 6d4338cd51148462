#!/usr/bin/env node
// Renders the job summary the action writes to docs/summary.png, for the README. Not part of the
// tests: run it after a change to the summary and commit the picture.
//
//   node scripts/summary-png.mjs [--tree DIR] [--out docs/summary.png] [--hard-links]
//
// It runs the committed bundle (dist/index.js) for real, as a runner would, on a copy of DIR
// (default: this machine's Python lib/, with its bytecode) placed at a runner-like path (with
// --hard-links, a hard-linked copy: then nothing is freed on disk, and the summary says so),
// converts the summary Markdown to HTML with `marked` (GitHub-flavoured), and screenshots it with
// headless Chromium (Debian package `chromium`). The copy is deleted afterwards; DIR is untouched.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { marked } from 'marked'
import { option as optionIn, screenshot } from './screenshot.mjs'
import { actionDefaults } from './local.mjs'

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = (name, fallback) => optionIn(args, name, fallback)
const pythonLib = () =>
  execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], {
    encoding: 'utf8'
  }).trim()
const tree = resolve(option('--tree', pythonLib()))
const out = resolve(option('--out', join(top, 'docs', 'summary.png')))

// A runner-like workspace path, so the picture shows what users see.
const scratch = mkdtempSync(join(tmpdir(), 'pyclean-png-'))
const workspace = join(scratch, 'home', 'runner', 'work', 'app', 'app')
try {
  mkdirSync(dirname(workspace), { recursive: true })
  execFileSync('cp', [args.includes('--hard-links') ? '-al' : '-a', tree, workspace])
  const summary = join(scratch, 'summary.md')
  const output = join(scratch, 'output.txt')
  writeFileSync(summary, '')
  writeFileSync(output, '')
  const env = { PATH: process.env.PATH, HOME: process.env.HOME }
  const defaults = actionDefaults(readFileSync(join(top, 'action.yml'), 'utf8'))
  for (const [name, value] of Object.entries(defaults)) env[`INPUT_${name.toUpperCase()}`] = value
  Object.assign(env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    RUNNER_TEMP: scratch
  })
  execFileSync(process.execPath, [join(top, 'dist', 'index.js')], {
    cwd: workspace,
    env,
    stdio: 'ignore'
  })
  // The real root path would show the scratch directory: show the runner's instead.
  const markdown = readFileSync(summary, 'utf8').split(workspace).join('/home/runner/work/app/app')

  const html = `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; padding: 24px 32px; background: #fff; color: #1f2328; width: 760px;
      font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
    h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; margin: 0 0 16px; }
    table { border-collapse: collapse; }
    th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
    th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
    code { font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
  </style><body>${marked.parse(markdown)}</body>`
  screenshot(html, out, 824, 200)
  console.log(`Wrote ${out} from this summary:\n\n${markdown}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
