#!/usr/bin/env node
// Checks the licenses of everything ncc bundled into dist/ (dist/licenses.txt) against an
// allowlist, as the best-kept actions do with `licensed`. Run by .ci/run; exits 1 naming each
// package whose license is not allowed, or when the file lists no package at all.
//
//   node scripts/check-licenses.mjs [dist/licenses.txt]
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** SPDX identifiers allowed in the bundle: permissive licenses that ask only for a notice. */
export const ALLOWED = [
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'ISC',
  'MIT',
  'Unlicense'
]

const SPDX = /^\(?[A-Za-z0-9.+-]+(?: (?:OR|AND|WITH) [A-Za-z0-9.+-]+)*\)?$/

/**
 * The packages in an ncc licenses file and their license expressions. ncc writes each package as
 * its name, its `license` field and the license text; texts hold blank lines too, so a name is
 * a line after a blank one (or the first) that `isPackage` confirms, followed by an SPDX line.
 */
export function bundledLicenses(text, isPackage) {
  const lines = text.split('\n')
  const found = []
  for (let i = 0; i + 1 < lines.length; i++) {
    if (i > 0 && lines[i - 1] !== '') continue
    const [name, license] = [lines[i], lines[i + 1]]
    if (name === '' || !SPDX.test(license) || !isPackage(name)) continue
    found.push({ name, license })
  }
  return found
}

/** Whether an SPDX expression is allowed: each of an OR's choices suffices, AND needs all. */
export function allowed(expression) {
  const bare = expression.replace(/^\(|\)$/g, '')
  if (bare.includes(' OR ')) return bare.split(' OR ').some(allowed)
  return bare.split(' AND ').every(id => ALLOWED.includes(id))
}

/** The problems with `file`: packages whose license is not allowed, or no package found. */
export function licenseProblems(text, isPackage) {
  const found = bundledLicenses(text, isPackage)
  if (found.length === 0) return ['no bundled package found in the licenses file']
  return found
    .filter(p => !allowed(p.license))
    .map(p => `${p.name}: ${p.license} is not in the allowlist (${ALLOWED.join(', ')})`)
}

function main() {
  const file = resolve(process.argv[2] ?? join(top, 'dist', 'licenses.txt'))
  const isPackage = name => existsSync(join(top, 'node_modules', name, 'package.json'))
  const text = readFileSync(file, 'utf8')
  const problems = licenseProblems(text, isPackage)
  for (const p of problems) console.error(`check-licenses: ${p}`)
  if (problems.length > 0) process.exit(1)
  const found = bundledLicenses(text, isPackage)
  console.log(`check-licenses: ${found.length} bundled packages, all allowed:`)
  for (const p of found) console.log(`  ${p.name} (${p.license})`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
