import { Outputs, type OutputName } from './constants.js'
import type { Progress } from './progress.js'
import type { RootResult } from './clean.js'

/** Sums over all roots, the numbers behind the outputs. */
export interface Totals {
  readonly files: number
  readonly dirs: number
  readonly bytes: number
  /** Disk space given back (allocated blocks of files with no other link). */
  readonly disk: number
  /** Targets kept because git tracks them. */
  readonly tracked: number
  readonly errors: number
}

export function totals(results: readonly RootResult[]): Totals {
  let files = 0
  let dirs = 0
  let bytes = 0
  let disk = 0
  let tracked = 0
  let errors = 0
  for (const r of results) {
    files += r.filesRemoved
    dirs += r.dirsRemoved
    bytes += r.bytesFreed
    disk += r.diskFreed
    tracked += r.tracked.length
    errors += r.failures.length
  }
  return { files, dirs, bytes, disk, tracked, errors }
}

/**
 * The step outputs: numbers as decimal strings, no separators, so expressions can compare; and
 * the path of the report file.
 */
export function outputs(t: Totals, reportPath: string): Record<OutputName, string> {
  return {
    [Outputs.FilesRemoved]: String(t.files),
    [Outputs.DirsRemoved]: String(t.dirs),
    [Outputs.BytesFreed]: String(t.bytes),
    [Outputs.DiskFreed]: String(t.disk),
    [Outputs.TrackedFiles]: String(t.tracked),
    [Outputs.Errors]: String(t.errors),
    [Outputs.Report]: reportPath
  }
}

const grouping = new Intl.NumberFormat('en-US')

/** `16846` → `16,846`. */
export function formatCount(n: number): string {
  return grouping.format(n)
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** Binary units with one decimal: `512 B`, `1.0 KiB`, `317.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  // 1023.96 KiB would print as "1024.0 KiB": carry to the next unit instead.
  if (value.toFixed(1) === '1024.0' && unit < UNITS.length - 1) {
    value = 1
    unit++
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`
}

/** `0.94` s → `0.9 s`; a minute or more → `2 min 5 s`. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000
  // Compare what is printed, so 59.96 s reads "1 min 0 s", not "60.0 s".
  if (Number(seconds.toFixed(1)) < 60) return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  return `${Math.floor(whole / 60)} min ${whole % 60} s`
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

/**
 * `317.0 MiB`, or `317.0 MiB; 12.0 MiB on disk` when the disk space given back differs from the
 * size (hard links, sparse files, small files in whole blocks).
 */
export function sizeText(bytes: number, disk: number): string {
  if (formatBytes(bytes) === formatBytes(disk)) return formatBytes(bytes)
  return `${formatBytes(bytes)}; ${formatBytes(disk)} on disk`
}

/** `3,119 directories and 16,846 files (317.0 MiB)`. */
function what(dirs: number, files: number, bytes: number, disk: number): string {
  return (
    `${plural(dirs, 'directory', 'directories')} and ${plural(files, 'file', 'files')} ` +
    `(${sizeText(bytes, disk)})`
  )
}

function errorsSuffix(errors: number): string {
  return errors === 0 ? '' : `; ${plural(errors, 'error', 'errors')}`
}

/** The log line for one root: `Removed 3,119 directories and … from /x in 0.9 s`. */
export function rootLine(result: RootResult, dryRun: boolean, ms: number): string {
  const verb = dryRun ? 'Would remove' : 'Removed'
  return (
    `${verb} ${what(result.dirsRemoved, result.filesRemoved, result.bytesFreed, result.diskFreed)} ` +
    `from ${result.root} in ${formatDuration(ms)}${errorsSuffix(result.failures.length)}`
  )
}

/** The line a long run prints every few seconds, so a watcher knows it is working. */
export function progressLine(p: Progress, dryRun: boolean, ms: number): string {
  return (
    `… ${formatDuration(ms)}: ${formatCount(p.entries)} entries read, ` +
    `${formatCount(p.removed)} ${dryRun ? 'would be removed' : 'removed'} (${formatBytes(p.bytes)})`
  )
}

/**
 * The closing log line over all roots; undefined for a single root, whose own line says it all.
 */
export function totalLine(
  t: Totals,
  roots: number,
  dryRun: boolean,
  ms: number
): string | undefined {
  if (roots === 0) return "No 'path' line matched a directory: nothing was cleaned."
  if (roots === 1) return undefined
  const verb = dryRun ? 'would remove' : 'removed'
  return (
    `Total: ${verb} ${what(t.dirs, t.files, t.bytes, t.disk)} from ${plural(roots, 'root', 'roots')} ` +
    `in ${formatDuration(ms)}${errorsSuffix(t.errors)}`
  )
}

/**
 * Why a step with `fail-on-error: true` fails, one clause per cause; empty when nothing went
 * wrong.
 */
export function failReasons(t: Pick<Totals, 'errors'>, unmatched: readonly string[]): string[] {
  const parts: string[] = []
  if (t.errors > 0) {
    parts.push(`${plural(t.errors, 'entry', 'entries')} could not be removed or read`)
  }
  if (unmatched.length > 0) {
    parts.push(
      `${plural(unmatched.length, "'path' line", "'path' lines")} matched no directory ` +
        `(${unmatched.map(l => `'${l}'`).join(', ')})`
    )
  }
  return parts
}

/** The message for the single `setFailed` when `fail-on-error` is true and something failed. */
export function failOnErrorMessage(
  t: Pick<Totals, 'errors'>,
  unmatched: readonly string[]
): string | undefined {
  const parts = failReasons(t, unmatched)
  if (parts.length === 0) return undefined
  return `${parts.join(', and ')}; failing because 'fail-on-error' is true. See the warnings above.`
}

/** How many paths a log line names before it says how many more there are. */
export const FIRST_PATHS = 5

/** `a, b, c, and 7 more`: the first few of a list of paths. */
export function firstPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, FIRST_PATHS).join(', ')
  const more = paths.length - FIRST_PATHS
  return more > 0 ? `${shown}, and ${formatCount(more)} more` : shown
}

/** The one line per root about the sourceless modules kept; undefined when there are none. */
export function sourcelessLine(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined
  return (
    `Kept ${plural(paths.length, 'sourceless module', 'sourceless modules')} (a .pyc with no ` +
    `.py beside it: Python imports it and cannot rebuild it; 'keep-sourceless' is true): ` +
    `${firstPaths(paths)}.`
  )
}

/** The line per root about the files kept because git tracks them; undefined for none. */
export function trackedLine(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined
  return (
    `Kept ${plural(paths.length, 'file', 'files')} that git tracks ('keep-tracked' is true): ` +
    `${firstPaths(paths)}.`
  )
}

/** The line per root about what stayed because git failed on its work tree; undefined for none. */
export function unsureLine(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined
  return (
    `Kept ${plural(paths.length, 'file', 'files')} git could not say it does not track ` +
    `(see the warning): ${firstPaths(paths)}.`
  )
}

/** `mode: stale`, per root: how many files were judged stale for each reason; undefined for none. */
export function staleLine(counts: Readonly<Partial<Record<string, number>>>): string | undefined {
  const parts = Object.entries(counts)
    .filter((e): e is [string, number] => (e[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([reason, n]) => `${formatCount(n)} ${reason}`)
  return parts.length === 0 ? undefined : `Judged stale: ${parts.join(', ')}.`
}
