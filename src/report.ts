import { Outputs, type OutputName } from './constants.js'
import type { Failure } from './failure.js'
import type { Progress } from './progress.js'
import type { RootResult } from './clean.js'

/** Sums over all roots, the numbers behind the outputs. */
export interface Totals {
  readonly files: number
  readonly dirs: number
  readonly bytes: number
  readonly errors: number
}

export function totals(results: readonly RootResult[]): Totals {
  let files = 0
  let dirs = 0
  let bytes = 0
  let errors = 0
  for (const r of results) {
    files += r.filesRemoved
    dirs += r.dirsRemoved
    bytes += r.bytesFreed
    errors += r.failures.length
  }
  return { files, dirs, bytes, errors }
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

/** `3,119 directories and 16,846 files (317.0 MiB)`. */
function what(dirs: number, files: number, bytes: number): string {
  return (
    `${plural(dirs, 'directory', 'directories')} and ${plural(files, 'file', 'files')} ` +
    `(${formatBytes(bytes)})`
  )
}

function errorsSuffix(errors: number): string {
  return errors === 0 ? '' : `; ${plural(errors, 'error', 'errors')}`
}

/** The log line for one root: `Removed 3,119 directories and … from /x in 0.9 s`. */
export function rootLine(result: RootResult, dryRun: boolean, ms: number): string {
  const verb = dryRun ? 'Would remove' : 'Removed'
  return (
    `${verb} ${what(result.dirsRemoved, result.filesRemoved, result.bytesFreed)} ` +
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

/** The closing log line over all roots. */
export function totalLine(t: Totals, roots: number, dryRun: boolean, ms: number): string {
  const verb = dryRun ? 'would remove' : 'removed'
  return (
    `Total: ${verb} ${what(t.dirs, t.files, t.bytes)} from ${plural(roots, 'root', 'roots')} ` +
    `in ${formatDuration(ms)}${errorsSuffix(t.errors)}`
  )
}

/**
 * The warning for one failure: path, system error, and for permission errors the owner of the
 * directory that refused, with the usual cause when it is not us.
 */
export function failureLine(failure: Failure, currentUid: number | undefined): string {
  const verb = failure.operation === 'read' ? 'Could not read directory' : 'Could not remove'
  let line = `${verb} ${failure.path}: ${failure.message}`
  const owner = failure.owner
  if (owner !== undefined && currentUid !== undefined) {
    line += ` (${owner.path} is owned by uid ${owner.uid}; this step runs as uid ${currentUid}`
    line +=
      owner.uid !== currentUid
        ? '. A container step running as root probably created it: run this step in that ' +
          'container too, or chown the files to the runner user first.)'
        : '.)'
  }
  return line
}

/** The message for the single `setFailed` when `fail-on-error` is true and something failed. */
export function failOnErrorMessage(t: Totals, unmatched: readonly string[]): string | undefined {
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
  if (parts.length === 0) return undefined
  return `${parts.join(', and ')}; failing because 'fail-on-error' is true. See the warnings above.`
}

/** Most failures listed in the summary (GitHub caps a summary at 1 MiB). */
export const SUMMARY_FAILURE_LIMIT = 50

export interface SummaryInput {
  readonly results: readonly RootResult[]
  readonly dryRun: boolean
  readonly unmatched: readonly string[]
  readonly currentUid: number | undefined
  /** The post step writes its own section, headed as such. */
  readonly step?: 'main' | 'post'
}

/** The job summary as Markdown: a table per root and a total, a dry-run banner, failures. */
export function summaryMarkdown(input: SummaryInput): string {
  const { results, dryRun, unmatched } = input
  const t = totals(results)
  const out: string[] = []
  const post = input.step === 'post' ? ' (post step)' : ''
  out.push(dryRun ? `## pyclean: dry run${post}` : `## pyclean${post}`)
  out.push('')
  if (dryRun) {
    out.push('> [!NOTE]')
    out.push('> **Dry run: nothing was deleted.** The numbers are what a real run would remove.')
    out.push('')
  }
  out.push('| Root | Directories | Files | Size | Errors |')
  out.push('| :--- | ---: | ---: | ---: | ---: |')
  for (const r of results) {
    out.push(
      `| ${code(r.root)} | ${formatCount(r.dirsRemoved)} | ${formatCount(r.filesRemoved)} | ` +
        `${formatBytes(r.bytesFreed)} | ${formatCount(r.failures.length)} |`
    )
  }
  if (results.length !== 1) {
    out.push(
      `| **Total** | **${formatCount(t.dirs)}** | **${formatCount(t.files)}** | ` +
        `**${formatBytes(t.bytes)}** | **${formatCount(t.errors)}** |`
    )
  }
  out.push('')
  if (unmatched.length > 0) {
    out.push(`'path' lines that matched no directory: ${unmatched.map(code).join(', ')}`)
    out.push('')
  }
  const failures = results.flatMap(r => r.failures)
  if (failures.length > 0) {
    out.push(`### Failures (${formatCount(failures.length)})`)
    out.push('')
    out.push('| Path | Error |')
    out.push('| :--- | :--- |')
    for (const f of failures.slice(0, SUMMARY_FAILURE_LIMIT)) {
      out.push(`| ${code(f.path)} | ${cell(failureLine(f, input.currentUid))} |`)
    }
    if (failures.length > SUMMARY_FAILURE_LIMIT) {
      out.push('')
      out.push(
        `…and ${formatCount(failures.length - SUMMARY_FAILURE_LIMIT)} more (see the warnings in the log).`
      )
    }
    out.push('')
  }
  return out.join('\n')
}

/** A table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return escapeHtml(text)
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, '<br>')
}

/** A path in a table cell, as code. HTML `<code>` copes with backticks inside names. */
function code(text: string): string {
  return `<code>${cell(text)}</code>`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
