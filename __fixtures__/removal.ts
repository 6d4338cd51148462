import { cleanRoot, cleanWith, type RootResult } from '../src/clean.js'
import { debrisMatcher } from '../src/debris.js'
import { compileExcludes } from '../src/exclude.js'
import { createRemover, type RemoveOptions } from '../src/remove.js'
import { scanRoot, type ScanOptions, type ScanResult, type Sink } from '../src/scan.js'

/** The action's default `exclude` lines. */
export const DEFAULT_EXCLUDES = ['.git', '.hg', '.svn', 'node_modules']

/** Scan options as the action's defaults give them, with `overrides`. */
export function scanOptions(overrides: Partial<ScanOptions> = {}): ScanOptions {
  return {
    exclude: compileExcludes(DEFAULT_EXCLUDES),
    includeVenvs: false,
    otherRoots: new Set<string>(),
    debris: debrisMatcher([]),
    mode: 'all',
    keepSourceless: true,
    ...overrides
  }
}

/** A clean's result with the paths `onRemoved` handed out, in order. */
export type ListedResult = RootResult & { readonly removed: readonly string[] }

/**
 * Changes to make to the tree while the walk runs, to race the remover: each is called after
 * the walk has read a directory and before the remover acts on it.
 */
export interface Race {
  beforeFiles?(dir: string, names: readonly string[]): void
  beforeDir?(dir: string): void
}

/**
 * `cleanRoot` (scan options default to the action's), also collecting every path it reports
 * through `onRemoved` (the action itself keeps no such list). A caller's own `onRemoved` still
 * runs, after the path is recorded. With `race`, the walk and the remover are put together here
 * as cleanRoot does, with the race's changes made between them.
 */
export async function cleanListing(
  root: string,
  options: Partial<ScanOptions> & RemoveOptions,
  race?: Race
): Promise<ListedResult> {
  const removed: string[] = []
  const full = {
    ...scanOptions(options),
    ...options,
    onRemoved: (p: string) => {
      removed.push(p)
      options.onRemoved?.(p)
    }
  }
  if (race === undefined) return { ...(await cleanRoot(root, full)), removed }

  const remover = createRemover(full)
  const sink: Sink = {
    wantsIdentity: remover.wantsIdentity,
    files: (dir, names, seen) => {
      race.beforeFiles?.(dir, names)
      return remover.files(dir, names, seen)
    },
    dir: (dir, seen) => {
      race.beforeDir?.(dir)
      return remover.dir(dir, seen)
    },
    pause: () => remover.pause(),
    backlog: () => remover.backlog?.()
  }
  return { ...(await cleanWith(root, full, remover, sink)), removed }
}

/** One directory's targets as the walk handed them to the sink. */
export interface Group {
  /** The directory, absolute. */
  readonly dir: string
  /** Bytecode names handed over for it (sorted). */
  readonly files: string[]
  /** Handed over for removal itself (an emptied `__pycache__`). */
  removeDir: boolean
}

/** A walk's result with every target it handed over, to a sink that deletes nothing. */
export type Recorded = ScanResult & { readonly groups: readonly Group[] }

/**
 * Walks `root` with a sink that records each target and reports it gone without touching the
 * tree: what the walk would hand a remover for which every removal succeeds.
 */
export async function recordWalk(
  root: string,
  options: Partial<ScanOptions> = {}
): Promise<Recorded> {
  const byDir = new Map<string, Group>()
  const group = (dir: string): Group => {
    let g = byDir.get(dir)
    if (g === undefined) byDir.set(dir, (g = { dir, files: [], removeDir: false }))
    return g
  }
  const sink: Sink = {
    files: (dir, names) => {
      group(dir).files.push(...names)
      return true
    },
    dir: dir => {
      group(dir).removeDir = true
      return true
    },
    pause: () => undefined
  }
  const scan = await scanRoot(root, scanOptions(options), sink)
  for (const g of byDir.values()) g.files.sort()
  return { ...scan, groups: [...byDir.values()] }
}
