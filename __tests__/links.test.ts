// Every relative link in the README, docs/ and CONTRIBUTING.md leads to a file that exists and,
// with a #fragment, to a heading there (GitHub's anchor rules: lower case, punctuation dropped,
// spaces to hyphens). The README is short and links to docs/ for the depth: a moved or renamed
// heading must not leave a dead link.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'

const top = path.resolve(import.meta.dirname, '..')
const pages = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(path.join(top, 'docs'))
    .filter(n => n.endsWith('.md'))
    .map(n => `docs/${n}`)
]

/** GitHub's anchor of a heading. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

function anchors(file: string): Set<string> {
  const text = readFileSync(path.join(top, file), 'utf8').replace(/```[\s\S]*?```/g, '')
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const a = anchor(m[1])
    const n = seen.get(a) ?? 0
    seen.set(a, n + 1)
    out.add(n === 0 ? a : `${a}-${n}`)
  }
  return out
}

function links(file: string): string[] {
  const text = readFileSync(path.join(top, file), 'utf8').replace(/```[\s\S]*?```/g, '')
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]).filter(l => !/^[a-z]+:/.test(l))
}

describe('links', () => {
  it('knows GitHub anchors', () => {
    expect(anchor('`mode: stale`')).toBe('mode-stale')
    expect(anchor('Empty directories (`remove-empty`)')).toBe('empty-directories-remove-empty')
  })

  it.each(pages)('%s: every relative link and anchor exists', file => {
    const dead: string[] = []
    for (const link of links(file)) {
      const [target, fragment] = link.split('#')
      const resolved = target === '' ? file : path.posix.join(path.posix.dirname(file), target)
      if (!existsSync(path.join(top, resolved))) dead.push(`${link}: no file ${resolved}`)
      else if (fragment !== undefined && resolved.endsWith('.md')) {
        if (!anchors(resolved).has(fragment)) dead.push(`${link}: no heading #${fragment}`)
      }
    }
    expect(dead).toEqual([])
  })
})
