#!/usr/bin/env node
// Tags a release: vX.Y.Z on the current commit, and moves the major tag vX to it (what workflows
// using `org/pyclean-action@vX` get). Checks first that the release is sound.
//
//   node scripts/release.mjs X.Y.Z [--dry-run | --push]
//
// Checks: X.Y.Z is a version; the working tree is clean (so dist/ is what is committed; CI's
// check-dist proves it matches src/); package.json has that version; CHANGELOG.md has a
// `## X.Y.Z` section and no `## Unreleased` section with entries (move them under X.Y.Z first);
// the tag vX.Y.Z does not exist yet. Then it creates the annotated tag vX.Y.Z and force-moves
// vX. With --push it pushes both to `origin` (vX with --force); without, it prints the push
// commands. With --dry-run it makes the same checks and prints what it would tag and push, and
// changes nothing. Needs only git and Node.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

function git(args, options = {}) {
  // With stdio: 'inherit' (a push, whose progress the user should see) there is no output.
  return (execFileSync('git', args, { encoding: 'utf8', ...options }) ?? '').trim()
}

function fail(message) {
  console.error(`release: ${message}`)
  process.exit(1)
}

const args = process.argv.slice(2)
const push = args.includes('--push')
const dryRun = args.includes('--dry-run')
const unknown = args.filter(a => a.startsWith('--') && a !== '--push' && a !== '--dry-run')
if (unknown.length > 0) fail(`unknown option ${unknown.join(', ')}; expected --dry-run or --push`)
if (push && dryRun) fail('--dry-run and --push exclude each other')
const version = args.find(a => !a.startsWith('--'))
if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) {
  fail(`expected a version X.Y.Z as the first argument, got '${version ?? ''}'`)
}
const major = `v${version.split('.')[0]}`
const tag = `v${version}`

const top = git(['rev-parse', '--show-toplevel'])
if (git(['status', '--porcelain'], { cwd: top }) !== '') {
  fail('the working tree has changes: commit them first (dist/ must be the committed one)')
}
const pkg = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8'))
if (pkg.version !== version) {
  fail(`package.json has version ${pkg.version}, not ${version}: update it and commit first`)
}
const changelog = readFileSync(join(top, 'CHANGELOG.md'), 'utf8')
if (!new RegExp(`^## ${version.replace(/\./g, '\\.')}\\b`, 'm').test(changelog)) {
  fail(`CHANGELOG.md has no '## ${version}' section`)
}
const unreleased = unreleasedEntries(changelog)
if (unreleased.length > 0) {
  fail(
    `CHANGELOG.md has an 'Unreleased' section with ${unreleased.length} ` +
      `${unreleased.length === 1 ? 'entry' : 'entries'} ` +
      `(first: '${unreleased[0]}'): move them under '## ${version}' first`
  )
}
if (git(['tag', '--list', tag], { cwd: top }) !== '') fail(`tag ${tag} exists already`)

const commit = git(['rev-parse', 'HEAD'], { cwd: top })
if (dryRun) {
  const moves = git(['tag', '--list', major], { cwd: top }) !== '' ? 'move' : 'create'
  console.log(
    `Dry run: would tag ${commit.slice(0, 12)} as ${tag} and ${moves} ${major} there, then ` +
      `push:\n  git push origin ${tag}\n  git push --force origin ${major}\nNothing was changed.`
  )
  process.exit(0)
}
git(['tag', '--annotate', tag, '--message', `pyclean-action ${tag}`, commit], { cwd: top })
git(['tag', '--force', '--annotate', major, '--message', `pyclean-action ${tag}`, commit], {
  cwd: top
})
console.log(`Tagged ${commit.slice(0, 12)} as ${tag}, and moved ${major} to it.`)

if (push) {
  git(['push', 'origin', tag], { cwd: top, stdio: 'inherit' })
  git(['push', '--force', 'origin', major], { cwd: top, stdio: 'inherit' })
  console.log(`Pushed ${tag} and ${major}.`)
} else {
  console.log(`Push with:\n  git push origin ${tag}\n  git push --force origin ${major}`)
}

/** The entry lines (`- …`) of CHANGELOG.md's `## Unreleased` section, up to the next `## `. */
function unreleasedEntries(text) {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex(l => /^## +\[?Unreleased\]?\s*$/i.test(l))
  if (start === -1) return []
  const entries = []
  for (const line of lines.slice(start + 1)) {
    if (/^## /.test(line)) break
    const entry = /^\s*[-*] +(.+)$/.exec(line)
    if (entry) entries.push(entry[1].trim())
  }
  return entries
}
