// scripts/check-licenses.mjs: the licenses of everything bundled into dist/ are on an allowlist.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'

const top = path.resolve(import.meta.dirname, '..')

interface Checker {
  bundledLicenses(
    text: string,
    isPackage: (n: string) => boolean
  ): { name: string; license: string }[]
  licenseProblems(text: string, isPackage: (n: string) => boolean): string[]
  allowed(expression: string): boolean
}
const checker = (await import(
  pathToFileURL(path.join(top, 'scripts', 'check-licenses.mjs')).href
)) as Checker

const installed = (name: string): boolean =>
  existsSync(path.join(top, 'node_modules', name, 'package.json'))

describe('check-licenses', () => {
  it("finds every package of dist/licenses.txt with its package.json's license, all allowed", () => {
    const text = readFileSync(path.join(top, 'dist', 'licenses.txt'), 'utf8')
    const found = checker.bundledLicenses(text, installed)
    // @actions/core is always bundled; each entry's license is its package.json's.
    expect(found.map(p => p.name)).toContain('@actions/core')
    for (const p of found) {
      const pkg = JSON.parse(
        readFileSync(path.join(top, 'node_modules', p.name, 'package.json'), 'utf8')
      ) as { license: string }
      expect({ name: p.name, license: p.license }).toEqual({ name: p.name, license: pkg.license })
    }
    expect(checker.licenseProblems(text, installed)).toEqual([])
  })

  it('names a package whose license is not allowed, and a file with no package', () => {
    const text = 'ok-pkg\nMIT\nMIT text\n\nbad-pkg\nGPL-3.0-only\nGPL text\n\nline\n'
    const isPackage = (n: string): boolean => n === 'ok-pkg' || n === 'bad-pkg'
    expect(checker.licenseProblems(text, isPackage)).toEqual([
      expect.stringMatching(/^bad-pkg: GPL-3\.0-only is not in the allowlist/)
    ])
    expect(checker.licenseProblems('just text\n', () => false)).toEqual([
      'no bundled package found in the licenses file'
    ])
  })

  it.each([
    ['MIT', true],
    ['(MIT OR GPL-3.0-only)', true],
    ['MIT AND GPL-3.0-only', false],
    ['GPL-2.0-only', false],
    ['Apache-2.0 AND BSD-3-Clause', true]
  ])('%s allowed: %s', (expression, expected) => {
    expect(checker.allowed(expression)).toBe(expected)
  })
})
