import { createRemover, type RemoveOptions, type RemoveTotals, type Remover } from './remove.js'
import { scanRoot, type ScanOptions, type ScanResult, type Sink } from './scan.js'
import type { Failure } from './failure.js'
import type { StaleReason } from './stale.js'
import type { Topic } from './debris.js'

export type CleanOptions = ScanOptions & RemoveOptions

/** What happened to one root. Dry run and real run produce the same numbers on the same tree. */
export interface RootResult extends RemoveTotals {
  readonly root: string
  /** Unreadable directories and entries that could not be removed. */
  readonly failures: readonly Failure[]
  /** Virtual environments below the root that were not entered. */
  readonly venvs: readonly string[]
  /** Directories not entered because an `exclude` pattern matched them. */
  readonly excluded: readonly string[]
  /** Sourceless modules kept (`keep-sourceless`). */
  readonly sourceless: readonly string[]
  /** Targets kept because git tracks them (`keep-tracked`). */
  readonly tracked: readonly string[]
  /** Targets kept because git failed on their work tree. */
  readonly unsure: readonly string[]
  /** `mode: stale`: how many bytecode files were judged stale, by reason. */
  readonly stale: Readonly<Partial<Record<StaleReason, number>>>
  /** Directory entries read. */
  readonly entries: number
  /** Entries of debris topics `debris` does not select, by topic (for the hint). */
  readonly unselected: Readonly<Partial<Record<Topic, number>>>
}

/**
 * Cleans one root in a single pass: the walk hands each directory's bytecode to the remover
 * right after reading it, while the directory is still in the kernel's caches, and nothing
 * found is kept in memory.
 */
export async function cleanRoot(root: string, options: CleanOptions): Promise<RootResult> {
  const remover = createRemover(options)
  return cleanWith(root, options, remover, remover)
}

/**
 * Walks `root` handing its targets to `sink`, which passes them on to `remover` (tests put a
 * sink in between that changes the tree first), and puts the remover back in order afterwards.
 */
export async function cleanWith(
  root: string,
  options: ScanOptions,
  remover: Remover,
  sink: Sink
): Promise<RootResult> {
  let scan: ScanResult
  try {
    scan = await scanRoot(root, options, sink)
  } finally {
    // Back to the original working directory, also if the walk threw; and the file system done
    // with every entry removed.
    remover.pause()
    await remover.drain()
  }
  return rootResult(scan, remover.totals())
}

/** What the walk and the remover of one root found and did, as one result. */
function rootResult(scan: ScanResult, removed: RemoveTotals): RootResult {
  return {
    ...removed,
    root: scan.root,
    failures: [...scan.failures, ...removed.failures],
    kept: [...scan.kept, ...removed.kept],
    venvs: scan.venvs,
    excluded: scan.excluded,
    sourceless: scan.sourceless,
    tracked: scan.tracked,
    unsure: scan.unsure,
    stale: scan.stale,
    entries: scan.entries,
    unselected: scan.unselected
  }
}
