import * as path from 'node:path'
import type { TreeSpec } from './tree.js'

/** What a clean must report for a fixture, derived from the fixture itself. */
export interface Expected {
  readonly files: number
  readonly dirs: number
  readonly bytes: number
  /** `__pycache__` directories that go, relative to the tree. */
  readonly removedDirs: readonly string[]
}

/**
 * The numbers a clean of `gone` (bytecode files and links) beside `stay` must report: a link
 * counts its own size (the length of its target string), and a `__pycache__` goes unless `stay`
 * puts something in it.
 */
export function expectedFrom(gone: TreeSpec, stay: TreeSpec): Expected {
  let bytes = 0
  const dirs = new Set<string>()
  for (const [rel, value] of Object.entries(gone)) {
    if (value === null) throw new Error('bytecode specs hold files and links only')
    bytes += Buffer.byteLength(typeof value === 'string' ? value : value.link)
    const dir = path.posix.dirname(rel)
    if (path.posix.basename(dir) === '__pycache__') dirs.add(dir)
  }
  const removedDirs = [...dirs].filter(d => !Object.keys(stay).some(k => k.startsWith(`${d}/`)))
  return { files: Object.keys(gone).length, dirs: removedDirs.length, bytes, removedDirs }
}

/** A `listTree` listing without what a clean of `gone` removes. */
export function without(before: readonly string[], gone: TreeSpec, expected: Expected): string[] {
  const removed = new Set([
    ...Object.entries(gone).map(([rel, v]) =>
      v !== null && typeof v === 'object' ? `${rel}@` : rel
    ),
    ...expected.removedDirs.map(d => `${d}/`)
  ])
  return before.filter(entry => !removed.has(entry))
}
