import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { TreeSpec } from './tree.js'

/** What a clean must report for a fixture, derived from the fixture itself. */
export interface Expected {
  readonly files: number
  readonly dirs: number
  readonly bytes: number
  /** `__pycache__` directories that go, relative to the tree. */
  readonly removedDirs: readonly string[]
  /** The files and links that go, relative to the tree. */
  readonly removedFiles: readonly string[]
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
  return {
    files: Object.keys(gone).length,
    dirs: removedDirs.length,
    bytes,
    removedDirs,
    removedFiles: Object.keys(gone)
  }
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

/**
 * The allocated bytes (`st_blocks` × 512) of every file and link below `root` with no other link,
 * by `/`-separated relative path, measured now: what `disk-freed` counts for each, which depends
 * on the file system, so it is read off the tree rather than derived from the spec.
 */
export async function blocksOf(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name
      const abs = path.join(dir, entry.name)
      if (entry.isDirectory()) await walk(abs, r)
      else {
        const st = await fs.lstat(abs)
        out.set(r, st.nlink === 1 ? st.blocks * 512 : 0)
      }
    }
  }
  await walk(root, '')
  return out
}

/** What `disk-freed` must say for `expected`, given the tree's `blocksOf` before the run. */
export function diskFrom(expected: Expected, blocks: ReadonlyMap<string, number>): number {
  let sum = 0
  for (const rel of expected.removedFiles) {
    const b = blocks.get(rel)
    if (b === undefined) throw new Error(`${rel} was not in the tree when it was measured`)
    sum += b
  }
  return sum
}
